package dev.postdate.clickhouse.migrations;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.clickhouse.outcomes.EmailOutcomes;
import dev.postdate.clickhouse.outcomes.OutcomeRow;
import dev.postdate.clickhouse.outcomes.RangeEmail;
import dev.postdate.clickhouse.outcomes.RecordedOutcomes;
import dev.postdate.clickhouse.outcomes.SendMark;
import dev.postdate.clickhouse.outcomes.SendMarkStore;
import dev.postdate.core.range.RangeBounds;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * V026 and V027 against the real ClickHouse: the outcomes and send marks a database at V025 holds are
 * what a worker's pass finds after the move, also when the move was interrupted or runs in several
 * migrators at once; both new tables have 1,024-row granules, the old copies are gone, and outcomes
 * and marks recorded afterwards are found too.
 */
class OutcomesFineGranulesMigrationTest {

    private static final long SECOND = 1_900_000_000L;
    private static final RangeBounds RANGE = new RangeBounds(SECOND - 1, SECOND, 0, 100, null, null);
    private static final Instant AT = Instant.parse("2030-05-01T08:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TestEnvironment env;
    private ClickHouseSql sql;
    private Client client;

    @BeforeEach
    void databaseAtV025WithOutcomesAndMarks() {
        env = TestEnvironment.create(OutcomesFineGranulesMigrationTest.class);
        sql = ClickHouseTestSupport.sqlFor(env);
        client = ClickHouseTestSupport.clientFor(env);
        SchemaAt.version(sql, 25);
        new EmailOutcomes(client, sql).record(List.of(
                outcome("sent-before", 1, EmailStatus.SENT),
                outcome("doubt-before", 2, EmailStatus.IN_DOUBT),
                outcome("queued-before", 3, EmailStatus.QUEUED)), TIMEOUT);
        new SendMarkStore(client, sql).record(List.of(
                new SendMark(email("marked-before", 4), "w-1", SendMark.Kind.SENDING, 1),
                new SendMark(email("released-before", 5), "w-1", SendMark.Kind.SENDING, 1),
                new SendMark(email("released-before", 5), "w-1", SendMark.Kind.RELEASED, 2)), TIMEOUT);
    }

    @AfterEach
    void drop() throws Exception {
        client.close();
        env.close();
    }

    @Test
    void aPassFindsWhatWasRecordedBeforeAndAfter() {
        new Migrator(sql).migrate();

        assertMoved();
        assertNewRecordsAreFound();
    }

    @Test
    void aMoveInterruptedMidwayIsFinishedByTheNextRun() {
        // Stopped before the last rename: the outcomes copied, the marks copied but not yet renamed back.
        SchemaAt.migration(sql, 26).statements().subList(0, 6).forEach(statement -> SchemaAt.ddl(sql, statement));

        new Migrator(sql).migrate();

        assertMoved();
        assertNewRecordsAreFound();
    }

    @Test
    void aDropInterruptedMidwayIsFinishedByTheNextRun() {
        SchemaAt.applied(sql, SchemaAt.migration(sql, 26));
        // What V026's copy could not see: an outcome and a mark whose inserts landed in the old tables after it read.
        sql.execute("INSERT INTO " + sql.table("outcomes_by_key") + " (send_at, seq, tenant, id, state)"
                + " VALUES (toDateTime(" + SECOND + ", 'UTC'), 8, 'acme', 'sent-late', 'sent')");
        sql.execute("INSERT INTO " + sql.table("send_marks_v014") + " (send_at, seq, tenant, id, worker, mark, version)"
                + " VALUES (toDateTime(" + SECOND + ", 'UTC'), 9, 'acme', 'marked-late', 'w-1', 'sending', 1)");
        // Stopped after the old view was dropped: its copy, repeated, has no source any more.
        SchemaAt.migration(sql, 27).statements().subList(0, 3).forEach(statement -> SchemaAt.ddl(sql, statement));

        new Migrator(sql).migrate();

        assertMoved();
        RecordedOutcomes.Found found = new RecordedOutcomes(sql).of(RANGE);
        assertEquals(EmailStatus.SENT, found.outcome("acme", "sent-late"));
        assertTrue(found.sendBegun("acme", "marked-late"));
        assertNewRecordsAreFound();
    }

    @Test
    void severalMigratorsAtOnceLeaveEveryRecordFound() throws Exception {
        ConcurrentMigrators.run(env, 3);

        assertMoved();
        assertNewRecordsAreFound();
    }

    private void assertMoved() {
        RecordedOutcomes.Found found = new RecordedOutcomes(sql).of(RANGE);
        assertEquals(EmailStatus.SENT, found.outcome("acme", "sent-before"));
        assertEquals(EmailStatus.IN_DOUBT, found.outcome("acme", "doubt-before"));
        assertNull(found.outcome("acme", "queued-before"), "queued decides nothing");
        assertTrue(found.sendBegun("acme", "marked-before"));
        assertFalse(found.sendBegun("acme", "released-before"), "a released mark is no begun send");
        assertEquals("3", sql.select("SELECT uniqExact(id, mark) FROM " + sql.table("send_marks")
                + " WHERE id LIKE '%-before'").getFirst().getFirst(), "every mark kept");
        for (String table : List.of("recorded_outcomes", "send_marks")) {
            assertTrue(sql.select("SHOW CREATE TABLE " + sql.table(table)).getFirst().getFirst()
                    .contains("index_granularity = 1024"), table);
        }
        for (String leftOver : List.of("outcomes_by_key", "send_marks_v014", "send_marks_v026")) {
            assertEquals("0", sql.select("EXISTS TABLE " + sql.table(leftOver)).getFirst().getFirst(), leftOver);
        }
    }

    private void assertNewRecordsAreFound() {
        new EmailOutcomes(client, sql).record(List.of(outcome("cancelled-after", 6, EmailStatus.CANCELLED)), TIMEOUT);
        new SendMarkStore(client, sql).record(List.of(new SendMark(email("marked-after", 7), "w-2",
                SendMark.Kind.SENDING, 1)), TIMEOUT);

        RecordedOutcomes.Found found = new RecordedOutcomes(sql).of(RANGE);
        assertEquals(EmailStatus.CANCELLED, found.outcome("acme", "cancelled-after"));
        assertTrue(found.sendBegun("acme", "marked-after"));
    }

    private static OutcomeRow outcome(String id, long seq, EmailStatus state) {
        return new OutcomeRow("acme", id, "", SECOND, seq, state, AT, "");
    }

    private static RangeEmail email(String id, long seq) {
        return new RangeEmail(id, "acme", "", SECOND, seq, "{}".getBytes(StandardCharsets.UTF_8));
    }
}
