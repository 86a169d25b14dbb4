package dev.postdate.clickhouse.migrations;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseClientFactory;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The migration lock on the local two-replica cluster: taken through one replica, it keeps a
 * migrator on the other waiting until it is released; a lock whose holder died is broken once stale,
 * and the dead holder, should it come back, does not release the lock its successor took; a lock
 * table that lost its ZooKeeper node is dropped once stale.
 */
class ClusterMigrationLockTest {

    private static final Duration NEVER_STALE = Duration.ofHours(1);

    private TestEnvironment env;
    private ClickHouseSql onFirst;
    private Client otherReplica;
    private ClickHouseSql onOther;

    @BeforeEach
    void databaseOnBothReplicas() {
        env = TestEnvironment.create(ClusterMigrationLockTest.class);
        assumeFalse(env.services().clickhouseOtherReplicaUrl().isEmpty(), "needs the local cluster");
        onFirst = ClickHouseTestSupport.sqlFor(env);
        otherReplica = ClickHouseClientFactory.newClient(
                ClickHouseTestSupport.settingsFor(env).withUrl(env.services().clickhouseOtherReplicaUrl()));
        onOther = new ClickHouseSql(otherReplica, env.database(), env.services().clickhouseCluster());
        onFirst.execute("CREATE DATABASE IF NOT EXISTS " + env.database() + onFirst.onCluster());
    }

    @AfterEach
    void close() throws Exception {
        if (otherReplica != null) {
            otherReplica.close();
        }
        env.close();
    }

    @Test
    void aMigratorOnTheOtherReplicaWaitsUntilTheLockIsReleased() throws Exception {
        MigrationLock.Held first = new ClusterMigrationLock(onFirst, NEVER_STALE).acquire();
        assertTrue(holdsLockTable(onFirst));

        CompletableFuture<MigrationLock.Held> second = CompletableFuture.supplyAsync(
                () -> new ClusterMigrationLock(onOther, NEVER_STALE).acquire());
        // Several polls of the waiter go by: none of them may take a lock that is held.
        assertFalse(completesWithin(second, Duration.ofSeconds(2)), "taken while held");

        first.close();
        MigrationLock.Held taken = second.get(30, TimeUnit.SECONDS);
        assertFalse(holdsLockTable(onFirst));
        assertTrue(holdsLockTable(onOther));
        taken.close();
        assertFalse(holdsLockTable(onOther));
    }

    @Test
    void aStaleLockIsBrokenAndItsDeadHolderCannotReleaseItsSuccessors() throws Exception {
        MigrationLock.Held dead = new ClusterMigrationLock(onFirst, NEVER_STALE).acquire();

        MigrationLock.Held successor = new ClusterMigrationLock(onOther, Duration.ofSeconds(1)).acquire();
        assertFalse(holdsLockTable(onFirst), "the dead holder's table is dropped");
        assertTrue(holdsLockTable(onOther));

        dead.close();
        assertTrue(holdsLockTable(onOther), "still the successor's");
        CompletableFuture<MigrationLock.Held> third = CompletableFuture.supplyAsync(
                () -> new ClusterMigrationLock(onFirst, NEVER_STALE).acquire());
        assertFalse(completesWithin(third, Duration.ofSeconds(2)), "taken while the successor holds it");
        successor.close();
        third.get(30, TimeUnit.SECONDS).close();
        assertEquals("0", onFirst.select("EXISTS TABLE " + onFirst.table("schema_migrations_lock")).getFirst().getFirst());
    }

    @Test
    void aLockTableWhoseZooKeeperNodeIsGoneIsDroppedOnceStale() throws Exception {
        // What a lock table is after ZooKeeper lost its node: there, but held by nobody.
        onFirst.execute("CREATE TABLE " + onFirst.table("schema_migrations_lock") + " (holder String)"
                + " ENGINE = MergeTree() ORDER BY tuple()");

        MigrationLock.Held taken = new ClusterMigrationLock(onFirst, Duration.ofSeconds(1)).acquire();
        assertTrue(holdsLockTable(onFirst));
        taken.close();
        assertFalse(holdsLockTable(onFirst));
    }

    private static boolean holdsLockTable(ClickHouseSql replica) {
        return "1".equals(replica.select("EXISTS TABLE " + replica.table("schema_migrations_lock")).getFirst().getFirst());
    }

    private static boolean completesWithin(CompletableFuture<?> future, Duration wait) throws Exception {
        try {
            future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }
}
