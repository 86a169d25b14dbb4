package dev.postdate.clickhouse.migrations;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.clickhouse.feedback.FeedbackEvent;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.feedback.FeedbackEventStore.BatchFeedback;
import dev.postdate.clickhouse.feedback.FeedbackEventStore.LinkClicks;
import dev.postdate.clickhouse.status.BatchStatusStore;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * V025 against the real ClickHouse: the stats of a batch recorded before it (at V024) come out of the
 * views it creates as they came out of the events (a notification recorded twice, an anonymous open, a
 * hard and a soft bounce), a repeated copy counts nothing twice (the views may hold a row several
 * times until they merge: every count is of distinct ids), and
 * events recorded afterwards reach the views; another batch's and another tenant's events and those
 * of emails outside batches never count.
 */
class StatsByBatchMigrationTest {

    private static final String TENANT = "tenant";
    private static final String BATCH = "batch";
    private static final Instant AT = Instant.parse("2030-03-01T10:00:00Z");

    private TestEnvironment env;
    private ClickHouseSql sql;
    private FeedbackEventStore feedback;

    @BeforeEach
    void databaseAtV024WithAFewEvents() {
        env = TestEnvironment.create(StatsByBatchMigrationTest.class);
        sql = ClickHouseTestSupport.sqlFor(env);
        SchemaAt.version(sql, 24);
        feedback = new FeedbackEventStore(sql);
        feedback.record(List.of(
                event(TENANT, BATCH, "delivered", "d1", "e1", "", ""),
                event(TENANT, BATCH, "delivered", "d1", "e1", "", ""),
                event(TENANT, BATCH, "delivered", "d2", "e2", "", ""),
                event(TENANT, BATCH, "bounced", "b1", "e3", "permanent", ""),
                event(TENANT, BATCH, "bounced", "b2", "e2", "transient", ""),
                event(TENANT, BATCH, "opened", "o1", "e1", "", ""),
                event(TENANT, BATCH, "opened", "o2", "", "", ""),
                event(TENANT, BATCH, "clicked", "c1", "e1", "1", "https://example.org/a"),
                event(TENANT, BATCH, "clicked", "c2", "e1", "1", "https://example.org/a"),
                event(TENANT, BATCH, "clicked", "c3", "", "2", "https://example.org/b"),
                event(TENANT, "other-batch", "delivered", "d4", "e4", "", ""),
                event("other-tenant", BATCH, "delivered", "d5", "e5", "", ""),
                event(TENANT, "", "delivered", "d6", "e6", "", "")));
        sent("e1");
        sent("e1");
        sent("e2");
        sql.execute("INSERT INTO " + sql.table("email_events") + " (tenant, id, batch_id, state, at, detail) VALUES"
                + " ('tenant', 'e3', 'batch', 'queued', now(), '')");
    }

    @AfterEach
    void drop() throws Exception {
        env.close();
    }

    @Test
    void theViewsGetTheEventsOfBeforeOnceAndTheNewOnes() {
        new Migrator(sql).migrate();

        assertBatch(2, 2);
        assertEquals(List.of(new LinkClicks(1, "https://example.org/a", 1, 2), new LinkClicks(2, "https://example.org/b", 0, 1)),
                feedback.feedbackOf(TENANT, List.of(BATCH)).links());

        assertEquals("0", rows("feedback_by_batch WHERE batch_id = ''"), "an email outside batches has no stats");

        SchemaAt.migration(sql, 25).statements().stream().filter(statement -> statement.startsWith("INSERT")).forEach(sql::execute);
        assertBatch(2, 2);

        feedback.record(List.of(event(TENANT, BATCH, "delivered", "d3", "e3", "", ""),
                event(TENANT, BATCH, "delivered", "d2", "e2", "", "")));
        sent("e3");
        assertBatch(3, 3);
    }

    private void assertBatch(long delivered, long sent) {
        BatchFeedback counts = feedback.feedbackOf(TENANT, List.of(BATCH)).counts();
        assertEquals(List.of(delivered, 2L, 1L, 1L, 1L, 2L, 1L, 3L),
                List.of(counts.delivered(), counts.bounced(), counts.bouncedHard(), counts.bouncedSoft(),
                        counts.openedUnique(), counts.openedTotal(), counts.clickedUnique(), counts.clickedTotal()),
                "delivered, bounced, hard, soft, opened unique (the anonymous open names no email) and total,"
                        + " clicked unique and total");
        assertEquals(sent, new BatchStatusStore(sql).sent(TENANT, List.of(BATCH)).sent());
    }

    private String rows(String tableAndFilter) {
        return sql.select("SELECT count() FROM " + sql.database() + "." + tableAndFilter).getFirst().getFirst();
    }

    private void sent(String id) {
        sql.execute("INSERT INTO " + sql.table("email_events") + " (tenant, id, batch_id, state, at, detail) VALUES ('"
                + TENANT + "', '" + id + "', '" + BATCH + "', 'sent', now(), 'provider-" + id + "')");
    }

    private static FeedbackEvent event(String tenant, String batch, String type, String notification, String email,
                                       String subtype, String detail) {
        return new FeedbackEvent(tenant, email.isEmpty() ? "" : email + "@example.com", type, notification, email, batch,
                "", subtype, detail, AT, AT);
    }
}
