package dev.postdate.clickhouse.migrations;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

/**
 * Lets one migrator at a time apply migrations to a database. ClickHouse has no lock statement; both
 * forms take it by creating a table of a fixed name, which one creator at a time can do, and give it
 * back by dropping that table. A holder that died leaves its table behind: once it is older than
 * {@code staleAfter} a waiting migrator drops it and takes the lock itself. A migration that outlives
 * {@code staleAfter} thus runs beside the next migrator; so may two waiters that break one stale lock
 * at once, when the second's drop reaches the first's new lock.
 */
abstract sealed class MigrationLock permits ClusterMigrationLock, ServerMigrationLock {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationLock.class);

    /** Longer than any migration takes here; a deployment whose copies run longer sets its own. */
    static final int DEFAULT_STALE_AFTER_MINUTES = 10;
    static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(DEFAULT_STALE_AFTER_MINUTES);
    static final String TABLE = "schema_migrations_lock";
    static final int TABLE_ALREADY_EXISTS = 57;
    private static final Duration POLL = Duration.ofMillis(250);
    /** A current server's Atomic database drops a table's ZooKeeper nodes minutes later unless asked not to. */
    private static final String DROP_NOW = "database_atomic_wait_for_drop_and_detach_synchronously";

    final ClickHouseSql sql;
    final Duration staleAfter;

    MigrationLock(ClickHouseSql sql, Duration staleAfter) {
        this.sql = sql;
        this.staleAfter = staleAfter;
    }

    /**
     * The lock for the database {@code sql} works on: across the cluster's replicas when it has a
     * cluster. {@code token} names its taker on one server; a UUID, the same across a migrator's attempts.
     */
    static MigrationLock of(ClickHouseSql sql, Duration staleAfter, String token) {
        return sql.cluster().isEmpty() ? new ServerMigrationLock(sql, staleAfter, token)
                : new ClusterMigrationLock(sql, staleAfter);
    }

    /**
     * Waits until this migrator holds the lock; the database must exist on the server asked. A
     * failure other than "held" ends the wait and goes to the caller, which retries with backoff.
     */
    final Held acquire() {
        return Failsafe.with(RetryPolicy.<Held>builder()
                        .handleIf((held, failure) -> failure == null && held == null)
                        .withDelay(POLL)
                        .withMaxAttempts(-1)
                        .onRetry(e -> {
                            if (e.getAttemptCount() == 1) {
                                LOG.info("Waiting for another migrator's lock on database {}", sql.database());
                            }
                        })
                        .build())
                .get(this::tryAcquire);
    }

    /** The lock, or null while another migrator holds it (after breaking it when it is stale). */
    abstract Held tryAcquire();

    /**
     * Seconds since the lock table was created on the server asked; 0 when it has none, or when the
     * server shows no creation time (a database engine that keeps no metadata files), which would
     * otherwise make every lock look decades old.
     */
    final long tableAgeSeconds() {
        return sql.select("SELECT if(toUInt32(metadata_modification_time) = 0, 0,"
                        + " toInt64(toUInt32(now())) - toUInt32(metadata_modification_time))"
                        + " FROM system.tables WHERE database = " + SqlLiteral.string(sql.database())
                        + " AND name = " + SqlLiteral.string(TABLE))
                .stream().findFirst().map(row -> Long.parseLong(row.getFirst())).orElse(0L);
    }

    final void drop(String onCluster) {
        String statement = "DROP TABLE IF EXISTS " + sql.table(TABLE) + onCluster;
        if (sql.knowsSetting(DROP_NOW)) {
            sql.execute(statement, Map.of(DROP_NOW, "1"));
        } else {
            sql.execute(statement);
        }
    }

    final void warnStale(long ageSeconds) {
        LOG.warn("The migration lock of database {} is {} s old; its holder is taken for dead and the lock dropped",
                sql.database(), ageSeconds);
    }

    final void warnTakenOver() {
        LOG.warn("The migration lock of database {} was taken over while this migrator held it", sql.database());
    }

    /** The lock as taken: its taker gives it back, unless somebody broke and took it meanwhile. */
    static final class Held implements AutoCloseable {

        private final Runnable release;

        Held(Runnable release) {
            this.release = release;
        }

        /**
         * Gives the lock back even when the migration ended because its thread was interrupted (a
         * component stopping): the release must not end at the first wait it meets, and a lock left
         * behind holds the next migrator for {@code staleAfter}.
         */
        @Override
        public void close() {
            boolean interrupted = Thread.interrupted();
            try {
                release.run();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
