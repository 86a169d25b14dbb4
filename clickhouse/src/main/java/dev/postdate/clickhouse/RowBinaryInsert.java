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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One streamed INSERT in RowBinary, bounded in time. The rows are encoded while the request body is
 * sent, so a batch costs no second copy of itself in memory, and nothing is escaped.
 */
public final class RowBinaryInsert {

    /** Writes one row's values in the order of the insert's columns. */
    @FunctionalInterface
    public interface RowEncoder<T> {
        void write(RowBinaryWriter out, T row) throws IOException;
    }

    private RowBinaryInsert() {
    }

    /**
     * Inserts the rows or fails within {@code timeout}; callers whose guarantees depend on an
     * insert's duration (a seq lease, a range's visibility) rely on that bound.
     */
    public static <T> void insert(Client client, String table, List<String> columns, List<T> rows,
                                  RowEncoder<T> encoder, Duration timeout) {
        InsertSettings settings = new InsertSettings();
        settings.setNetworkTimeout(timeout.toMillis(), ChronoUnit.MILLIS);
        CompletableFuture<InsertResponse> insert = client.insert(table, columns, out -> {
            BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
            RowBinaryWriter writer = new RowBinaryWriter(buffered);
            for (T row : rows) {
                encoder.write(writer, row);
            }
            buffered.flush();
        }, ClickHouseFormat.RowBinary, settings);
        try (InsertResponse ignored = insert.get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            // Nothing to read: 18.16 sends no written-rows summary.
        } catch (TimeoutException e) {
            insert.cancel(true);
            throw ClickHouseException.about("INSERT INTO " + table + " (timed out after " + timeout + ")", e);
        } catch (InterruptedException e) {
            insert.cancel(true);
            Thread.currentThread().interrupt();
            throw ClickHouseException.about("INSERT INTO " + table + " (interrupted)", e);
        } catch (ExecutionException e) {
            throw ClickHouseException.about("INSERT INTO " + table, e);
        } catch (Exception e) {
            throw ClickHouseException.about("INSERT INTO " + table, e);
        }
    }
}
