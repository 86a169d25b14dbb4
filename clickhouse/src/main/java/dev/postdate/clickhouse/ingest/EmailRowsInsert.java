package dev.postdate.clickhouse.ingest;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.RowBinaryInsert;
import dev.postdate.clickhouse.RowBinaryWriter;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Writes a batch of emails in one streamed INSERT (RowBinary), so that each payload's bytes go to
 * the server as the api serialized them.
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
        RowBinaryInsert.insert(client, sql.table("emails"), COLUMNS, rows, EmailRowsInsert::writeRow, timeout);
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
