package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The insert deadline against the real ClickHouse: a stalled insert is aborted and never commits. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RowBinaryInsertDeadlineTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** What the caller may take beyond the deadline to get its failure. */
    private static final Duration SLACK = Duration.ofMillis(500);
    /** Stands for the seq lease the deadline protects: rows must not appear within it, nor later. */
    private static final Duration LEASE = Duration.ofSeconds(5);
    /** Enough rows to pass the client's and the server's buffers, so the server is executing the insert. */
    private static final int ROWS_BEFORE_STALL = 4_000;

    private TestEnvironment env;
    private ClickHouseSql sql;
    private Client client;

    @BeforeAll
    void createTable() {
        env = TestEnvironment.create(RowBinaryInsertDeadlineTest.class);
        sql = ClickHouseTestSupport.sqlFor(env);
        client = ClickHouseTestSupport.clientFor(env);
        sql.execute("CREATE DATABASE IF NOT EXISTS " + sql.database());
        sql.execute("CREATE TABLE " + sql.table("stalled") + " (n UInt64, pad String) ENGINE = MergeTree() ORDER BY n");
    }

    @AfterAll
    void drop() throws Exception {
        client.close();
        env.close();
    }

    @Test
    void aStalledInsertFailsAtItsDeadlineAndItsRowsNeverBecomeVisible() throws Exception {
        CountDownLatch stall = new CountDownLatch(1);
        // Without a real abort the stalled body would be finished and committed once the encoder resumes.
        CompletableFuture.runAsync(stall::countDown, CompletableFuture.delayedExecutor(
                TIMEOUT.plus(LEASE).toMillis(), TimeUnit.MILLISECONDS));
        List<Long> rows = LongStream.range(0, ROWS_BEFORE_STALL + 10).boxed().toList();
        String pad = "p".repeat(1_000);

        long start = System.nanoTime();
        ClickHouseException failure = assertThrows(ClickHouseException.class, () ->
                RowBinaryInsert.insert(client, sql.table("stalled"), List.of("n", "pad"), rows, (out, n) -> {
                    if (n == ROWS_BEFORE_STALL) {
                        awaitQuietly(stall);
                    }
                    out.uint64(n);
                    out.string(pad);
                }, TIMEOUT));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(failure.getMessage().contains("deadline"), failure.getMessage());
        assertTrue(took.compareTo(TIMEOUT) >= 0 && took.compareTo(TIMEOUT.plus(SLACK)) < 0, "failed after " + took);
        assertTrue(Await.until(SLACK, () -> runningInserts() == 0), "the server dropped the aborted insert");
        stall.countDown();
        assertFalse(Await.until(LEASE, () -> storedRows() > 0), "no row of the aborted insert became visible");
        assertEquals(0, storedRows());
    }

    @Test
    void anInsertWithinItsDeadlineCommits() {
        List<Long> rows = LongStream.range(0, 1_000).boxed().toList();
        RowBinaryInsert.insert(client, sql.table("stalled"), List.of("n", "pad"), rows, (out, n) -> {
            out.uint64(1_000_000 + n);
            out.string("");
        }, TIMEOUT);
        assertEquals(1_000, Long.parseLong(sql.select("SELECT count() FROM " + sql.table("stalled")
                + " WHERE n >= 1000000").getFirst().getFirst()));
    }

    private static void awaitQuietly(CountDownLatch latch) throws InterruptedIOException {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stalled");
        }
    }

    private long storedRows() {
        return Long.parseLong(sql.select("SELECT count() FROM " + sql.table("stalled") + " WHERE n < 1000000")
                .getFirst().getFirst());
    }

    private long runningInserts() {
        return Long.parseLong(sql.select("SELECT count() FROM system.processes WHERE query LIKE "
                + SqlLiteral.string("INSERT INTO " + sql.table("stalled") + "%")).getFirst().getFirst());
    }
}
