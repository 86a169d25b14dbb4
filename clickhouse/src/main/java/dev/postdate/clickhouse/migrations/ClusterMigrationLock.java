package dev.postdate.clickhouse.migrations;

import dev.postdate.clickhouse.ClickHouseException;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;

import java.time.Duration;
import java.util.List;
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
final class ClusterMigrationLock extends MigrationLock {

    private static final String REPLICA = "holder";
    /** ZooKeeper's answers (KEEPER_EXCEPTION): here a node that does not exist, or went away meanwhile. */
    private static final int KEEPER_EXCEPTION = 999;

    private final String path;

    ClusterMigrationLock(ClickHouseSql sql, Duration staleAfter) {
        super(sql, staleAfter);
        this.path = "/clickhouse/locks/" + sql.database() + "/" + TABLE;
    }

    @Override
    Held tryAcquire() {
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
                    && tableAgeSeconds() >= staleAfter.toSeconds()) {
                // A lock table here without its ZooKeeper node (ZooKeeper lost it): nobody can release it but us.
                drop("");
            }
            return null;
        }
        try {
            return holder().map(held -> new Held(() -> release(held.creation()))).orElseThrow(() -> new IllegalStateException(
                    "The migration lock of database " + sql.database()
                            + " was created but its ZooKeeper node is missing"));
        } catch (RuntimeException e) {
            // Taken, but not known to be ours: given back, or it would wait for a stale break.
            drop("");
            throw e;
        }
    }

    private void breakStale(Holder stale) {
        warnStale(stale.ageSeconds());
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

    private record Holder(long creation, long ageSeconds) {
    }

    /** Releases the lock only while nobody broke and took it again since this creation of it. */
    private void release(long creation) {
        if (holder().filter(held -> held.creation() == creation).isPresent()) {
            drop("");
        } else {
            warnTakenOver();
        }
    }
}
