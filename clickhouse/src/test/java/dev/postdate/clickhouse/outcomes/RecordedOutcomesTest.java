package dev.postdate.clickhouse.outcomes;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.clickhouse.status.BatchStatusStore;
import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.clickhouse.status.EmailStatusStore;
import dev.postdate.core.range.RangeBounds;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The one query a pass asks ClickHouse, against the real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordedOutcomesTest {

    private static final long SECOND = 1_900_000_000L;

    private TestEnvironment env;
    private ClickHouseSql sql;
    private Client client;

    @BeforeAll
    void migrate() {
        env = TestEnvironment.create(RecordedOutcomesTest.class);
        sql = ClickHouseTestSupport.sqlFor(env);
        new Migrator(sql).migrate();
        client = ClickHouseTestSupport.clientFor(env);
    }

    @AfterAll
    void drop() throws Exception {
        client.close();
        env.close();
    }

    private void email(long seq, String id, String batchId) {
        sql.execute("INSERT INTO " + sql.table("emails") + " (send_at, seq, id, tenant, batch_id, accepted_at, payload)"
                + " VALUES (toDateTime(" + SECOND + ", 'UTC'), " + seq + ", '" + id + "', 'acme', '" + batchId
                + "', now(), '{}')");
    }

    @Test
    void findsTheRangesDecidingOutcomesAndBatchCancelsOnly() {
        Instant at = Instant.parse("2030-05-01T08:00:00Z");
        Instant sendAt = Instant.ofEpochSecond(SECOND);
        email(10, "in-sent", "");
        email(11, "in-doubt", "");
        email(12, "in-queued", "b-live");
        email(13, "in-early-cancel", "b-cancelled");
        email(20, "out-sent", "");
        new EmailOutcomes(client, sql).record(List.of(
                new OutcomeRow("acme", "in-sent", "", SECOND, 10, EmailStatus.QUEUED, at, ""),
                new OutcomeRow("acme", "in-sent", "", SECOND, 10, EmailStatus.SENT, at, "p-1"),
                new OutcomeRow("acme", "in-doubt", "", SECOND, 11, EmailStatus.IN_DOUBT, at, "timeout"),
                new OutcomeRow("acme", "in-queued", "b-live", SECOND, 12, EmailStatus.QUEUED, at, ""),
                new OutcomeRow("acme", "out-sent", "", SECOND, 20, EmailStatus.SENT, at, "p-2")),
                Duration.ofSeconds(30));
        // A cancel recorded before ingestion: no seq yet.
        new EmailStatusStore(sql).record("acme", "in-early-cancel", "b-cancelled", sendAt, 0,
                new EmailEvent(EmailStatus.CANCELLED, at, "cancelled through the api"));
        BatchStatusStore batches = new BatchStatusStore(sql);
        batches.recordControl("acme", "b-cancelled", "cancel", at);
        batches.recordControl("acme", "b-live", "pause", at);

        RecordedOutcomes recordedOutcomes = new RecordedOutcomes(sql);
        RecordedOutcomes.Found found = recordedOutcomes.of(new RangeBounds(SECOND - 1, SECOND, 9, 13, null, null));

        assertEquals(EmailStatus.SENT, found.outcome("acme", "in-sent"));
        assertEquals(EmailStatus.IN_DOUBT, found.outcome("acme", "in-doubt"));
        assertNull(found.outcome("acme", "in-queued"), "queued decides nothing");
        assertEquals(EmailStatus.CANCELLED, found.outcome("acme", "in-early-cancel"));
        assertNull(found.outcome("acme", "out-sent"), "outside the range");
        assertNull(found.outcome("globex", "in-sent"), "another tenant");
        batches.recordControl("acme", "it's \\ quoted", "cancel", at);
        Set<String> cancelled = recordedOutcomes.cancelledBatches(List.of(
                new RecordedOutcomes.BatchKey("acme", "b-cancelled"), new RecordedOutcomes.BatchKey("acme", "b-live"),
                new RecordedOutcomes.BatchKey("globex", "b-cancelled"),
                new RecordedOutcomes.BatchKey("acme", "it's \\ quoted")));
        assertEquals(Set.of(RecordedOutcomes.key("acme", "b-cancelled"), RecordedOutcomes.key("acme", "it's \\ quoted")),
                cancelled, "only the cancels, of these tenants' batches; any batch id is a literal");
        assertEquals(Set.of(), recordedOutcomes.cancelledBatches(List.of()));
    }
}
