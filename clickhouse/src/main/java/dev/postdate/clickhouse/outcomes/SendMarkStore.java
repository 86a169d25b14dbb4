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
 * Appends send marks to {@code send_marks} in one streamed INSERT per call (RowBinary). A row written
 * twice changes nothing: per worker, the row of highest version counts ({@link RecordedOutcomes}).
 */
@Singleton
public class SendMarkStore {

    static final List<String> COLUMNS = List.of("send_at", "seq", "tenant", "id", "worker", "mark", "version");

    private final Client client;
    private final ClickHouseSql sql;

    public SendMarkStore(Client client, ClickHouseSql sql) {
        this.client = client;
        this.sql = sql;
    }

    public void record(List<SendMark> marks, Duration timeout) {
        if (!marks.isEmpty()) {
            RowBinaryInsert.insert(client, sql.table("send_marks"), COLUMNS, marks, SendMarkStore::writeRow, timeout);
        }
    }

    /** In the order of {@link #COLUMNS}. */
    private static void writeRow(RowBinaryWriter writer, SendMark mark) throws IOException {
        writer.dateTime(Instant.ofEpochSecond(mark.email().sendAtEpochSecond()));
        writer.uint64(mark.email().seq());
        writer.string(mark.email().tenant());
        writer.string(mark.email().id());
        writer.string(mark.worker());
        writer.string(mark.kind().wireName());
        writer.uint64(mark.version());
    }
}
