package dev.postdate.clickhouse.ingest;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import dev.postdate.clickhouse.ClickHouseException;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.RowBinaryWriter;
import jakarta.inject.Singleton;

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
 * Writes a batch of emails in one streamed INSERT in RowBinary, so that each payload's bytes go out
 * unescaped and uncopied. The rows are generated while the request body is sent, so a batch costs
 * no second copy of itself in memory.
 */
@Singleton
public class EmailRowsInsert {

    static final List<String> COLUMNS = List.of("send_at", "seq", "id", "tenant", "batch_id", "accepted_at", "payload");

    private final Client client;
    private final ClickHouseSql sql;

    public EmailRowsInsert(Client client, ClickHouseSql sql) {
        this.client = client;
        this.sql = sql;
    }

    /**
     * Inserts the rows or fails within {@code timeout}: the caller's seq lease must outlive every
     * attempt, so an attempt that cannot be bounded is not allowed to run.
     */
    public void insert(List<EmailRow> rows, Duration timeout) {
        InsertSettings settings = new InsertSettings();
        settings.setNetworkTimeout(timeout.toMillis(), ChronoUnit.MILLIS);
        CompletableFuture<InsertResponse> insert = client.insert(sql.table("emails"), COLUMNS,
                out -> {
                    BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
                    RowBinaryWriter writer = new RowBinaryWriter(buffered);
                    for (EmailRow row : rows) {
                        writeRow(writer, row);
                    }
                    buffered.flush();
                },
                ClickHouseFormat.RowBinary, settings);
        try (InsertResponse ignored = insert.get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            // Nothing to read: 18.16 sends no written-rows summary.
        } catch (TimeoutException e) {
            insert.cancel(true);
            throw new ClickHouseException("INSERT INTO " + sql.table("emails") + " (timed out after " + timeout + ")", e);
        } catch (InterruptedException e) {
            insert.cancel(true);
            Thread.currentThread().interrupt();
            throw new ClickHouseException("INSERT INTO " + sql.table("emails") + " (interrupted)", e);
        } catch (ExecutionException e) {
            throw new ClickHouseException("INSERT INTO " + sql.table("emails"), e.getCause() == null ? e : e.getCause());
        } catch (Exception e) {
            throw new ClickHouseException("INSERT INTO " + sql.table("emails"), e);
        }
    }

    /** In the order of {@link #COLUMNS}. */
    private static void writeRow(RowBinaryWriter writer, EmailRow row) throws IOException {
        writer.dateTime(row.sendAt());
        writer.uint64(row.seq());
        writer.string(row.id());
        writer.string(row.tenant());
        writer.string(row.batchId());
        writer.dateTime(row.acceptedAt());
        writer.string(row.payload());
    }
}
