package dev.postdate.clickhouse.ingest;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import dev.postdate.clickhouse.ClickHouseException;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.TabSeparated;
import jakarta.inject.Singleton;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes a batch of emails in one streamed INSERT (TabSeparated: plain text, parsed the same by
 * 18.16 and current servers). The rows are generated while the request body is sent, so a batch
 * costs no second copy of itself in memory.
 */
@Singleton
public class EmailRowsInsert {

    static final List<String> COLUMNS = List.of("send_at", "seq", "id", "tenant", "batch_id", "accepted_at", "payload");

    /** DateTime text; the columns are DateTime('UTC'), so the text is read as UTC. */
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

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
                    Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
                    StringBuilder line = new StringBuilder(1024);
                    for (EmailRow row : rows) {
                        line.setLength(0);
                        appendRow(line, row);
                        writer.append(line);
                    }
                    writer.flush();
                },
                ClickHouseFormat.TabSeparated, settings);
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

    static void appendRow(StringBuilder line, EmailRow row) {
        line.append(DATE_TIME.format(row.sendAt())).append('\t')
                .append(row.seq()).append('\t');
        TabSeparated.appendEscaped(line, row.id());
        line.append('\t');
        TabSeparated.appendEscaped(line, row.tenant());
        line.append('\t');
        TabSeparated.appendEscaped(line, row.batchId());
        line.append('\t').append(DATE_TIME.format(row.acceptedAt())).append('\t');
        TabSeparated.appendEscaped(line, row.payload());
        line.append('\n');
    }
}
