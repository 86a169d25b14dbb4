package dev.postdate.clickhouse.ingest;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Against the real ClickHouse, in the test environment's own database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmailRowsInsertTest {

    private TestEnvironment env;
    private ClickHouseSql sql;
    private Client client;
    private EmailRowsInsert insert;

    @BeforeAll
    void migrate() {
        env = TestEnvironment.create(EmailRowsInsertTest.class);
        sql = ClickHouseTestSupport.sqlFor(env);
        new Migrator(sql).migrate();
        client = ClickHouseTestSupport.clientFor(env);
        insert = new EmailRowsInsert(client, sql);
    }

    @AfterAll
    void drop() throws Exception {
        client.close();
        env.close();
    }

    @Test
    void everyColumnReadsBackAsWrittenWhateverThePayloadHolds() {
        Instant sendAt = Instant.parse("2030-05-01T08:00:00Z");
        Instant acceptedAt = Instant.parse("2030-04-30T10:11:12Z");
        // Lengths either side of each varint byte boundary, and the characters TabSeparated escapes.
        int[] lengths = {0, 1, 127, 128, 16_383, 16_384, 200_000};
        List<EmailRow> rows = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            String text = ("{\"html\":\"tab\\t \\\"q\\\" back\\\\slash Zoë\"}\t\n\\" + "x".repeat(lengths[i]))
                    .substring(0, Math.max(0, lengths[i]));
            rows.add(new EmailRow(sendAt.plusSeconds(i), 1000 + i, "id-" + i, "tenant\twith tab", i % 2 == 0 ? "" : "b-1",
                    acceptedAt, text.getBytes(StandardCharsets.UTF_8)));
        }
        insert.insert(rows, Duration.ofSeconds(30));

        List<List<String>> read = sql.select("SELECT toUnixTimestamp(send_at), seq, id, tenant, batch_id, "
                + "toUnixTimestamp(accepted_at), payload FROM " + sql.table("emails") + " ORDER BY seq");
        assertEquals(rows.size(), read.size());
        for (int i = 0; i < rows.size(); i++) {
            EmailRow row = rows.get(i);
            assertEquals(List.of(Long.toString(row.sendAt().getEpochSecond()), Long.toString(row.seq()), row.id(),
                    row.tenant(), row.batchId(), Long.toString(acceptedAt.getEpochSecond()),
                    new String(row.payload(), StandardCharsets.UTF_8)), read.get(i), "row " + i);
        }
    }
}
