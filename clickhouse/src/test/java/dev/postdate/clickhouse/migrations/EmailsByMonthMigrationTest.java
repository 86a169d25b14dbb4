package dev.postdate.clickhouse.migrations;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.clickhouse.ingest.EmailRow;
import dev.postdate.clickhouse.ingest.EmailRowsInsert;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * V012 against the real ClickHouse: a database at V007, whose emails table is still partitioned by
 * day, is moved to monthly partitions with every row and with the materialized
 * views still fed, also when the move was interrupted or runs in several migrators at once.
 */
class EmailsByMonthMigrationTest {

    private static final int DAYS = 401;
    private static final Instant FIRST = Instant.parse("2030-01-15T08:00:00Z");
    private static final List<String> VIEWS = List.of("emails_by_id", "emails_by_batch", "emails_by_seq");

    private TestEnvironment env;
    private ClickHouseSql sql;
    private Client client;

    @BeforeEach
    void databaseAtV007WithOneEmailADay() {
        env = TestEnvironment.create(EmailsByMonthMigrationTest.class);
        sql = ClickHouseTestSupport.sqlFor(env);
        client = ClickHouseTestSupport.clientFor(env);
        SchemaAt.version(sql, 7);
        // A current server takes at most 100 partitions per insert (max_partitions_per_insert_block),
        // the very limit V012 is for: the daily rows of before go in as blocks of 100 days.
        for (int from = 0; from < DAYS; from += 100) {
            insert(IntStream.range(from, Math.min(from + 100, DAYS))
                    .mapToObj(day -> row(day, FIRST.plus(Duration.ofDays(day)))).toList());
        }
        assertEquals(DAYS, partitions().size(), "one partition a day before V012");
    }

    @AfterEach
    void drop() throws Exception {
        client.close();
        env.close();
    }

    @Test
    void everyRowMovesToMonthlyPartitionsAndTheViewsKeepBeingFed() throws Exception {
        new Migrator(sql).migrate();

        assertMovedOnce();
        // FINAL: on a current server ViewSources gives a view its source's rows again after each move
        // (V012, V015), and the view's ReplacingMergeTree folds them only when it merges.
        assertEquals(String.valueOf(DAYS), sql.select("SELECT count() FROM " + sql.table("emails_by_id") + " FINAL")
                .getFirst().getFirst(), "every email once in the views");
        assertTheViewsSeeANewInsert(1_000_000);
        // What a server restart does to each view: attach it again from its stored definition.
        for (String view : VIEWS) {
            sql.execute("DETACH TABLE " + sql.table(view) + sql.onCluster());
            sql.execute("ATTACH TABLE " + sql.table(view) + sql.onCluster());
        }
        assertTheViewsSeeANewInsert(1_000_001);
    }

    @Test
    void aMoveInterruptedAfterItsCopyIsFinishedByTheNextRun() throws Exception {
        List<String> v012 = SchemaAt.migration(sql, 12).statements();
        v012.subList(0, 3).forEach(statement -> SchemaAt.ddl(sql, statement));

        new Migrator(sql).migrate();

        assertMovedOnce();
        assertTheViewsSeeANewInsert(1_000_000);
    }

    @Test
    void severalMigratorsAtOnceMoveEveryRowOnce() throws Exception {
        ConcurrentMigrators.run(env, 3);

        assertMovedOnce();
        assertTheViewsSeeANewInsert(1_000_000);
    }

    @Test
    void aFreshDatabaseMigratedByRunsStartingTogetherEndsUpMonthly() throws Exception {
        sql.execute("DROP DATABASE " + sql.database() + sql.onCluster());
        ConcurrentMigrators.run(env, 3);

        assertTrue(sql.select("SHOW CREATE TABLE " + sql.table("emails")).getFirst().getFirst()
                .contains("PARTITION BY toYYYYMM(send_at)"));
        assertEquals("0", sql.select("EXISTS TABLE " + sql.table("emails_v008")).getFirst().getFirst());
    }

    private void assertMovedOnce() {
        List<String> monthly = partitions();
        assertTrue(monthly.size() <= 15 && monthly.stream().allMatch(p -> p.length() == 6), monthly.toString());
        List<String> keys = sql.select("SELECT count(), uniqExact(id) FROM (SELECT send_at, seq, any(id) AS id FROM "
                + sql.table("emails") + " GROUP BY send_at, seq)").getFirst();
        assertEquals(List.of(String.valueOf(DAYS), String.valueOf(DAYS)), keys, "every email, once for readers");
        for (String leftOver : List.of("emails_v001", "emails_v008", "emails_v012", "emails_v015")) {
            assertEquals("0", sql.select("EXISTS TABLE " + sql.table(leftOver)).getFirst().getFirst(),
                    leftOver + " (old copies hold payloads that erasure and retention do not reach)");
        }
        assertTrue(sql.select("SHOW CREATE TABLE " + sql.table("emails")).getFirst().getFirst()
                .contains("index_granularity = 1024"), "V015's table");
    }

    private void assertTheViewsSeeANewInsert(int seq) {
        EmailRow row = row(seq, FIRST.plus(Duration.ofDays(7)));
        insert(List.of(row));
        String id = "'" + row.id() + "'";
        assertEquals("1", sql.select("SELECT count() FROM " + sql.table("emails_by_id") + " WHERE id = " + id)
                .getFirst().getFirst());
        assertEquals("1", sql.select("SELECT count() FROM " + sql.table("emails_by_batch") + " WHERE id = " + id)
                .getFirst().getFirst());
        assertEquals("1", sql.select("SELECT count() FROM " + sql.table("emails_by_seq") + " WHERE seq = " + seq)
                .getFirst().getFirst());
    }

    private List<String> partitions() {
        return sql.select("SELECT DISTINCT partition FROM system.parts WHERE database = '" + env.database()
                + "' AND table = 'emails' AND active").stream().map(List::getFirst).toList();
    }

    private String count(String table) {
        return sql.select("SELECT count() FROM " + sql.table(table)).getFirst().getFirst();
    }

    private void insert(List<EmailRow> rows) {
        new EmailRowsInsert(client, sql).insert(rows, Duration.ofSeconds(30));
    }

    private static EmailRow row(int seq, Instant sendAt) {
        return new EmailRow(sendAt, seq, "id-" + seq, "tenant", "batch", FIRST.minus(Duration.ofDays(1)),
                "{}".getBytes(StandardCharsets.UTF_8));
    }
}
