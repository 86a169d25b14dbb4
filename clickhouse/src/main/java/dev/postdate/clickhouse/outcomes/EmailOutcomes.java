package dev.postdate.clickhouse.outcomes;

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
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Appends worker outcomes to {@code email_events} in one streamed INSERT per call (TabSeparated).
 * The table is append-only and status reads take the highest-precedence state, so writing a row
 * twice (a flush retried after a timeout) changes no answer.
 */
@Singleton
public class EmailOutcomes {

    static final List<String> COLUMNS = List.of("tenant", "id", "batch_id", "state", "at", "detail", "at_ms");

    private final Client client;
    private final ClickHouseSql sql;

    public EmailOutcomes(Client client, ClickHouseSql sql) {
        this.client = client;
        this.sql = sql;
    }

    public void record(List<OutcomeRow> rows, Duration timeout) {
        if (rows.isEmpty()) {
            return;
        }
        InsertSettings settings = new InsertSettings();
        settings.setNetworkTimeout(timeout.toMillis(), ChronoUnit.MILLIS);
        String table = sql.table("email_events");
        CompletableFuture<InsertResponse> insert = client.insert(table, COLUMNS, out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            StringBuilder line = new StringBuilder(256);
            for (OutcomeRow row : rows) {
                line.setLength(0);
                appendRow(line, row);
                writer.append(line);
            }
            writer.flush();
        }, ClickHouseFormat.TabSeparated, settings);
        try (InsertResponse ignored = insert.get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            // 18.16 sends no summary.
        } catch (TimeoutException e) {
            insert.cancel(true);
            throw new ClickHouseException("INSERT INTO " + table + " (timed out after " + timeout + ")", e);
        } catch (InterruptedException e) {
            insert.cancel(true);
            Thread.currentThread().interrupt();
            throw new ClickHouseException("INSERT INTO " + table + " (interrupted)", e);
        } catch (ExecutionException e) {
            throw new ClickHouseException("INSERT INTO " + table, e.getCause() == null ? e : e.getCause());
        } catch (Exception e) {
            throw new ClickHouseException("INSERT INTO " + table, e);
        }
    }

    static void appendRow(StringBuilder line, OutcomeRow row) {
        TabSeparated.appendEscaped(line, row.tenant());
        line.append('\t');
        TabSeparated.appendEscaped(line, row.id());
        line.append('\t');
        TabSeparated.appendEscaped(line, row.batchId());
        line.append('\t').append(row.state().wireName()).append('\t')
                // DateTime accepts a unix timestamp in TabSeparated input.
                .append(row.at().getEpochSecond()).append('\t');
        TabSeparated.appendEscaped(line, row.detail());
        line.append('\t').append(row.at().toEpochMilli()).append('\n');
    }
}
