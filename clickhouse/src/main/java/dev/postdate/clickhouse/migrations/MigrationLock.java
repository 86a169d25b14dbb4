package dev.postdate.clickhouse.migrations;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.postdate.clickhouse.ClickHouseException;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lets one migrator at a time work on a cluster. 18.16's DDL worker stops taking tasks for good when
 * two identical {@code ON CLUSTER} ALTERs of one replicated table run at once (docs/clickhouse.md,
 * "The local cluster"), which migrators starting together produce; the statements themselves are
 * idempotent, so the lock is for the servers' liveness, not for the schema's correctness.
 *
 * <p>ClickHouse has no lock statement, but creating a replicated table is an atomic create in
 * ZooKeeper of the replica's node: a table under one fixed ZooKeeper path and one fixed replica name
 * can exist on one server of the cluster only. Whoever created it holds the lock, and drops the
 * table to release it. A holder that died leaves its table behind; once the replica's node is older
 * than {@code staleAfter} (ZooKeeper's creation time against the server's clock) a waiting migrator
 * drops it on every replica and takes the lock itself. A migration that outlives {@code staleAfter}
 * thus runs beside the next migrator, as every migration did before the lock; so may two waiters
 * that break one stale lock at once, when the second's drop reaches the first's new lock.
 */
final class MigrationLock {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationLock.class);

    /** Longer than any migration takes here; a deployment whose copies run longer sets its own. */
    static final int DEFAULT_STALE_AFTER_MINUTES = 10;
    static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(DEFAULT_STALE_AFTER_MINUTES);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final String TABLE = "schema_migrations_lock";
    private static final String REPLICA = "holder";
    private static final int TABLE_ALREADY_EXISTS = 57;
    /** ZooKeeper's answers (KEEPER_EXCEPTION): here a node that does not exist, or went away meanwhile. */
    private static final int KEEPER_EXCEPTION = 999;
    /** A current server's Atomic database drops a table's ZooKeeper nodes minutes later unless asked not to. */
    private static final String DROP_NOW = "database_atomic_wait_for_drop_and_detach_synchronously";

    private final ClickHouseSql sql;
    private final Duration staleAfter;
    private final String path;

    MigrationLock(ClickHouseSql sql, Duration staleAfter) {
        this.sql = sql;
        this.staleAfter = staleAfter;
        this.path = "/clickhouse/locks/" + sql.database() + "/" + TABLE;
    }

    /**
     * Waits until this migrator holds the lock; the database must exist on the server asked. A
     * failure other than "held" ends the wait and goes to the caller, which retries with backoff.
     */
    Held acquire() {
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
    private Held tryAcquire() {
        try {
            sql.execute("CREATE TABLE " + sql.table(TABLE) + " (holder String) ENGINE = ReplicatedMergeTree("
                    + SqlLiteral.string(path) + ", " + SqlLiteral.string(REPLICA) + ") ORDER BY tuple()");
        } catch (ClickHouseException e) {
            if (e.code() != TABLE_ALREADY_EXISTS && e.code() != ClickHouseException.REPLICA_ALREADY_EXISTS
                    && e.code() != KEEPER_EXCEPTION) {
                throw e;
            }
            Optional<Holder> holder = holder();
            if (holder.isPresent() && holder.get().ageSeconds() >= staleAfter.toSeconds()) {
                breakStale(holder.get());
            } else if (holder.isEmpty() && e.code() == TABLE_ALREADY_EXISTS
                    && localTableAgeSeconds() >= staleAfter.toSeconds()) {
                // A lock table here without its ZooKeeper node (ZooKeeper lost it): nobody can release it but us.
                drop("");
            }
            return null;
        }
        try {
            return holder().map(held -> new Held(held.creation())).orElseThrow(() -> new IllegalStateException(
                    "The migration lock of database " + sql.database()
                            + " was created but its ZooKeeper node is missing"));
        } catch (RuntimeException e) {
            // Taken, but not known to be ours: given back, or it would wait for a stale break.
            drop("");
            throw e;
        }
    }

    private long localTableAgeSeconds() {
        return sql.select("SELECT toInt64(toUInt32(now())) - toUInt32(metadata_modification_time)"
                        + " FROM system.tables WHERE database = " + SqlLiteral.string(sql.database())
                        + " AND name = " + SqlLiteral.string(TABLE))
                .stream().findFirst().map(row -> Long.parseLong(row.getFirst())).orElse(0L);
    }

    private void breakStale(Holder stale) {
        LOG.warn("The migration lock of database {} is {} s old; its holder is taken for dead and the lock dropped",
                sql.database(), stale.ageSeconds());
        drop(sql.onCluster());
    }

    /** The holder's ZooKeeper node: its creation (a transaction id, unique to this taking) and its age. */
    private Optional<Holder> holder() {
        try {
            List<List<String>> rows = sql.select("SELECT czxid, toInt64(toUInt32(now())) - toUInt32(ctime)"
                    + " FROM system.zookeeper WHERE path = " + SqlLiteral.string(path + "/replicas")
                    + " AND name = " + SqlLiteral.string(REPLICA));
            return rows.stream().findFirst()
                    .map(row -> new Holder(Long.parseLong(row.get(0)), Long.parseLong(row.get(1))));
        } catch (ClickHouseException e) {
            if (e.code() == KEEPER_EXCEPTION) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void drop(String onCluster) {
        String statement = "DROP TABLE IF EXISTS " + sql.table(TABLE) + onCluster;
        if (sql.knowsSetting(DROP_NOW)) {
            sql.execute(statement, Map.of(DROP_NOW, "1"));
        } else {
            sql.execute(statement);
        }
    }

    private record Holder(long creation, long ageSeconds) {
    }

    /** The lock as taken: released by its taker only while nobody broke and took it again meanwhile. */
    final class Held implements AutoCloseable {

        private final long creation;

        private Held(long creation) {
            this.creation = creation;
        }

        @Override
        public void close() {
            if (holder().filter(held -> held.creation() == creation).isPresent()) {
                drop("");
            } else {
                LOG.warn("The migration lock of database {} was taken over while this migrator held it",
                        sql.database());
            }
        }
    }
}
