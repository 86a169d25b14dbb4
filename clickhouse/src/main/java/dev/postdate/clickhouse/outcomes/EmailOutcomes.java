package dev.postdate.clickhouse.outcomes;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.RowBinaryInsert;
import dev.postdate.clickhouse.RowBinaryWriter;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Appends worker outcomes to {@code email_events} in one streamed INSERT per call (RowBinary).
 * The table is append-only and status reads take the highest-precedence state, so writing a row
 * twice (a flush retried after a timeout) changes no answer.
 */
@Singleton
public class EmailOutcomes {

    static final List<String> COLUMNS = List.of("tenant", "id", "batch_id", "state", "at", "detail", "at_ms",
            "send_at", "seq");

    private final Client client;
    private final ClickHouseSql sql;

    public EmailOutcomes(Client client, ClickHouseSql sql) {
        this.client = client;
        this.sql = sql;
    }

    public void record(List<OutcomeRow> rows, Duration timeout) {
        if (!rows.isEmpty()) {
            RowBinaryInsert.insert(client, sql.table("email_events"), COLUMNS, rows, EmailOutcomes::writeRow, timeout);
        }
    }

    /** In the order of {@link #COLUMNS}. */
    private static void writeRow(RowBinaryWriter writer, OutcomeRow row) throws IOException {
        writer.string(row.tenant());
        writer.string(row.id());
        writer.string(row.batchId());
        writer.string(row.state().wireName());
        writer.dateTime(row.at());
        writer.string(row.detail());
        writer.uint64(row.at().toEpochMilli());
        writer.dateTime(Instant.ofEpochSecond(row.sendAtEpochSecond()));
        writer.uint64(row.seq());
    }
}
