package dev.postdate.clickhouse.migrations;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseClientFactory;
import dev.postdate.clickhouse.ClickHouseException;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class MigratorTest {

    private TestEnvironment env;
    private ClickHouseSql sql;

    @BeforeEach
    void freshDatabase() {
        env = TestEnvironment.create(MigratorTest.class);
        sql = ClickHouseTestSupport.sqlFor(env);
    }

    @AfterEach
    void drop() throws Exception {
        env.close();
    }

    @Test
    void appliesEveryShippedMigrationOnceAndRecordsIt() {
        Migrator migrator = new Migrator(sql);
        List<String> shipped = MigrationFiles.load(env.database()).stream().map(Migration::name).toList();

        assertEquals(shipped, migrator.migrate());
        assertEquals(List.of(), migrator.migrate(), "a second run has nothing to do");
        assertEquals(migrator.shippedVersion(), migrator.currentVersion());
        assertEquals(String.valueOf(shipped.size()),
                sql.select("SELECT count() FROM " + sql.table("schema_migrations")).getFirst().getFirst());
        assertEquals("1", sql.select("EXISTS TABLE " + sql.table("emails")).getFirst().getFirst());
    }

    @Test
    void concurrentMigratorsLeaveACurrentSchema() throws Exception {
        // Components starting together: each run must succeed, not just leave a current schema behind.
        try (ExecutorService starts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<String>>> runs = starts.invokeAll(Collections.nCopies(3,
                    () -> new Migrator(ClickHouseTestSupport.sqlFor(env)).migrate()));
            for (Future<List<String>> run : runs) {
                run.get();
            }
        }
        Migrator migrator = new Migrator(sql);
        assertEquals(migrator.shippedVersion(), migrator.currentVersion());
        assertEquals(List.of(), migrator.migrate());
    }

    @Test
    void aMigrationAConcurrentRunRecordsMeanwhileIsLeftToIt() {
        new Migrator(sql).migrate();
        // What a lagging run meets: the run ahead finishes the migration while this one is inside it.
        // Here the migration's first statement records it as that run would; what follows must not run.
        String recorded = "INSERT INTO " + sql.table("schema_migrations")
                + " (version, name, checksum, applied_at) VALUES (9999, 'V9999__raced.sql', 'raced', now())";
        String notThisRuns = "CREATE TABLE IF NOT EXISTS " + sql.table("not_this_runs") + " (a UInt8) ENGINE = Memory";
        Migration raced = new Migration(9999, "V9999__raced.sql", List.of(recorded, notThisRuns), "raced");
        List<Migration> shipped = Stream.concat(MigrationFiles.load(env.database()).stream(), Stream.of(raced)).toList();
        Migrator lagging = new Migrator(sql, MigrationLock.DEFAULT_STALE_AFTER, database -> shipped);

        assertEquals(List.of(), lagging.migrate(), "applied by the other run, not by this one");
        assertEquals(9999, lagging.currentVersion());
        assertEquals("1", sql.select("SELECT count() FROM " + sql.table("schema_migrations")
                + " WHERE version = 9999").getFirst().getFirst(), "recorded once");
        assertEquals("0", sql.select("EXISTS TABLE " + sql.table("not_this_runs")).getFirst().getFirst());

        Migration failing = new Migration(10000, "V10000__fails.sql", List.of("SELECT no_such_column FROM system.one"), "fails");
        List<Migration> withFailing = Stream.concat(shipped.stream(), Stream.of(failing)).toList();
        assertThrows(ClickHouseException.class,
                () -> new Migrator(sql, MigrationLock.DEFAULT_STALE_AFTER, database -> withFailing).migrate(),
                "a failure in a migration nobody recorded still stops the run");
    }

    @Test
    void onAClusterTheOtherReplicaHasEveryColumnOnceTheRunReturns() throws Exception {
        assumeFalse(env.services().clickhouseOtherReplicaUrl().isEmpty(), "needs the local cluster");
        new Migrator(sql).migrate();

        // The ALTERs went to one replica without ON CLUSTER: the table's replication must have carried them.
        String columns = "SELECT table, name, type FROM system.columns WHERE database = " + SqlLiteral.string(env.database())
                + " ORDER BY table, name";
        try (Client otherReplica = ClickHouseClientFactory.newClient(
                ClickHouseTestSupport.settingsFor(env).withUrl(env.services().clickhouseOtherReplicaUrl()))) {
            List<List<String>> onOther = new ClickHouseSql(otherReplica, env.database(), sql.cluster()).select(columns);
            assertEquals(sql.select(columns), onOther);
            assertTrue(onOther.contains(List.of("email_events", "at_ms", "UInt64")), "V007's column on the other replica");
        }
    }

    @Test
    void refusesToRunWhenAnAppliedMigrationWasEdited() throws InterruptedException {
        env.assumeMutationsFinish();
        Migrator migrator = new Migrator(sql);
        migrator.migrate();
        sql.execute("ALTER TABLE " + sql.table("schema_migrations") + " UPDATE checksum = 'edited' WHERE version = 1");
        awaitMutations();

        IllegalStateException error = assertThrows(IllegalStateException.class, migrator::migrate);
        assertTrue(error.getMessage().contains("V001"), error.getMessage());
    }

    private void awaitMutations() throws InterruptedException {
        // ALTER ... UPDATE is asynchronous and 18.16 has no mutations_sync setting: poll for it.
        Instant deadline = Instant.now().plusSeconds(10);
        while (!sql.select("SELECT count() FROM system.mutations WHERE database = '" + env.database()
                + "' AND is_done = 0").getFirst().getFirst().equals("0")) {
            assertTrue(Instant.now().isBefore(deadline), "mutation did not finish");
            Thread.sleep(20);
        }
    }
}
