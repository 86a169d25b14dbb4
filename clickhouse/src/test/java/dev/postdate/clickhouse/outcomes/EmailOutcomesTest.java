package dev.postdate.clickhouse.outcomes;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Against the real ClickHouse, in the test environment's own database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmailOutcomesTest {

    private TestEnvironment env;
    private ClickHouseSql sql;
    private Client client;

    @BeforeAll
    void migrate() {
        env = TestEnvironment.create(EmailOutcomesTest.class);
        sql = ClickHouseTestSupport.sqlFor(env);
        new Migrator(sql).migrate();
        client = ClickHouseTestSupport.clientFor(env);
    }

    @AfterAll
    void drop() throws Exception {
        client.close();
        env.close();
    }

    @Test
    void everyColumnReadsBackAsWritten() {
        Instant at = Instant.parse("2030-05-01T08:00:00.250Z");
        String awkward = "550 5.1.1 <zoë@example.com>:\tuser unknown\nline two \\ end";
        List<OutcomeRow> rows = List.of(
                new OutcomeRow("acme", "e-1", "", 1_900_000_000L, 7, EmailStatus.QUEUED, at, ""),
                new OutcomeRow("acme", "e-1", "", 1_900_000_000L, 7, EmailStatus.SENT, at.plusMillis(5), "0100018f-provider-id"),
                new OutcomeRow("acme", "e-2", "b-1", 1_900_000_001L, 8, EmailStatus.FAILED, at.plusSeconds(1), awkward));
        new EmailOutcomes(client, sql).record(rows, Duration.ofSeconds(30));

        List<List<String>> read = sql.select("SELECT tenant, id, batch_id, state, toUnixTimestamp(at), detail, at_ms, toUnixTimestamp(send_at), seq FROM "
                + sql.table("email_events") + " ORDER BY at_ms");
        assertEquals(rows.size(), read.size());
        for (int i = 0; i < rows.size(); i++) {
            OutcomeRow row = rows.get(i);
            assertEquals(List.of(row.tenant(), row.id(), row.batchId(), row.state().wireName(),
                    Long.toString(row.at().getEpochSecond()), row.detail(), Long.toString(row.at().toEpochMilli()),
                    Long.toString(row.sendAtEpochSecond()), Long.toString(row.seq())),
                    read.get(i), "row " + i);
        }
    }
}
