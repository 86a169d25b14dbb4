package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One streamed INSERT in RowBinary, aborted at a deadline. The rows are encoded while the request
 * body is sent, so a batch costs no second copy of itself in memory, and nothing is escaped.
 */
public final class RowBinaryInsert {

    /** Writes one row's values in the order of the insert's columns. */
    @FunctionalInterface
    public interface RowEncoder<T> {
        void write(RowBinaryWriter out, T row) throws IOException;
    }

    /**
     * The HTTP exchange runs here rather than on the caller's thread, so that the caller gets its
     * failure at the deadline even while the exchange is blocked in a socket write or in an encoder.
     */
    private static final ExecutorService EXCHANGES = Executors.newVirtualThreadPerTaskExecutor();

    private RowBinaryInsert() {
    }

    /**
     * Inserts the rows or fails within {@code timeout}; callers whose guarantees depend on an
     * insert's duration (a seq lease, a range's visibility) rely on that bound. At the deadline the
     * request's connection is reset, which makes the server fail an insert whose body it has not
     * received in full; one whose body it has is committed or failed by the server in the time it
     * takes to write it (docs/ingest.md, "Lease versus insert timeout").
     */
    public static <T> void insert(Client client, String table, List<String> columns, List<T> rows,
                                  RowEncoder<T> encoder, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        QuorumRetry.run(() -> attempt(client, table, columns, rows, encoder, deadline, timeout), timeout);
    }

    private static <T> void attempt(Client client, String table, List<String> columns, List<T> rows,
                                    RowEncoder<T> encoder, long deadline, Duration timeout) {
        String queryId = UUID.randomUUID().toString();
        InsertSettings settings = new InsertSettings();
        settings.setQueryId(queryId);
        settings.setNetworkTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
                ChronoUnit.MILLIS);
        CompletableFuture<Void> exchange = CompletableFuture.runAsync(() -> {
            try (InsertResponse ignored = client.insert(table, columns, out -> {
                BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
                RowBinaryWriter writer = new RowBinaryWriter(buffered);
                for (T row : rows) {
                    // Also stops a request that a cancel missed: one the client had not registered yet,
                    // or a retry of the client's own that it started after the cancel.
                    if (System.nanoTime() - deadline > 0) {
                        throw new IOException("insert deadline passed while sending rows");
                    }
                    encoder.write(writer, row);
                }
                buffered.flush();
            }, ClickHouseFormat.RowBinary, settings).join()) {
                // Nothing to read: 18.16 sends no written-rows summary.
            } catch (Exception e) {
                throw ClickHouseException.about("INSERT INTO " + table, e);
            }
        }, EXCHANGES);
        try {
            exchange.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            client.cancelTransportRequest(queryId);
            throw ClickHouseException.about("INSERT INTO " + table + " (aborted at its deadline of " + timeout + ")", e);
        } catch (InterruptedException e) {
            client.cancelTransportRequest(queryId);
            Thread.currentThread().interrupt();
            throw ClickHouseException.about("INSERT INTO " + table + " (interrupted, aborted)", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof ClickHouseException failure ? failure
                    : ClickHouseException.about("INSERT INTO " + table, cause);
        }
    }
}
