package dev.postdate.clickhouse.migrations;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The migration lock on one server: a second migrator waits until the first releases it; a lock
 * whose holder died is broken once stale, and the dead holder, should it come back, does not release
 * the lock its successor took; a migrator takes back the lock an earlier attempt of its own left.
 */
class ServerMigrationLockTest {

    private static final Duration NEVER_STALE = Duration.ofHours(1);
    private static final Duration STALE_AFTER_A_SECOND = Duration.ofSeconds(1);

    private TestEnvironment env;
    private ClickHouseSql sql;

    @BeforeEach
    void database() {
        env = TestEnvironment.create(ServerMigrationLockTest.class);
        sql = ClickHouseTestSupport.sqlFor(env);
        sql.execute("CREATE DATABASE IF NOT EXISTS " + env.database() + sql.onCluster());
    }

    @AfterEach
    void close() throws Exception {
        env.close();
    }

    @Test
    void aSecondMigratorWaitsUntilTheLockIsReleased() throws Exception {
        MigrationLock.Held first = new ServerMigrationLock(sql, NEVER_STALE, "first").acquire();
        assertTrue(lockTableExists());

        CompletableFuture<MigrationLock.Held> second = CompletableFuture.supplyAsync(
                () -> new ServerMigrationLock(sql, NEVER_STALE, "second").acquire());
        // Several polls of the waiter go by: none of them may take a lock that is held.
        assertFalse(completesWithin(second, Duration.ofSeconds(2)), "taken while held");

        first.close();
        MigrationLock.Held taken = second.get(30, TimeUnit.SECONDS);
        assertTrue(lockTableExists());
        taken.close();
        assertFalse(lockTableExists());
    }

    @Test
    void aStaleLockIsBrokenAndItsDeadHolderCannotReleaseItsSuccessors() throws Exception {
        MigrationLock.Held dead = new ServerMigrationLock(sql, NEVER_STALE, "dead").acquire();

        MigrationLock.Held successor = new ServerMigrationLock(sql, STALE_AFTER_A_SECOND, "successor").acquire();
        assertTrue(lockTableExists());

        dead.close();
        assertTrue(lockTableExists(), "still the successor's");
        CompletableFuture<MigrationLock.Held> third = CompletableFuture.supplyAsync(
                () -> new ServerMigrationLock(sql, NEVER_STALE, "third").acquire());
        assertFalse(completesWithin(third, Duration.ofSeconds(2)), "taken while the successor holds it");
        successor.close();
        third.get(30, TimeUnit.SECONDS).close();
        assertFalse(lockTableExists());
    }

    @Test
    void aMigratorTakesBackTheLockAnEarlierAttemptOfItsOwnLeft() {
        // What an attempt leaves when ClickHouse went away before it could give the lock back.
        new ServerMigrationLock(sql, NEVER_STALE, "migrator").acquire();

        MigrationLock.Held again = new ServerMigrationLock(sql, NEVER_STALE, "migrator").acquire();
        assertTrue(lockTableExists());
        again.close();
        assertFalse(lockTableExists());
    }

    private boolean lockTableExists() {
        return "1".equals(sql.select("EXISTS TABLE " + sql.table(MigrationLock.TABLE)).getFirst().getFirst());
    }

    private static boolean completesWithin(CompletableFuture<?> future, Duration wait) throws Exception {
        try {
            future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }
}
