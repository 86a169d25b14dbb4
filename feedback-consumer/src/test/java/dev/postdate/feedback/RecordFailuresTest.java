package dev.postdate.feedback;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.TestEnvironment;
import dev.postdate.core.tracking.TrackingEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tracking queue's messages when ClickHouse does not take them (real ClickHouse and ElasticMQ):
 * an outage (the table gone) and a refusal of everything cost time and no message; one message that
 * ClickHouse refuses while it takes the others goes to the dead-letter queue, and only it.
 */
class RecordFailuresTest {

    private static final Duration WAIT = RunningConsumer.WAIT;

    private RunningConsumer consumer;
    private TestEnvironment env;
    private ClickHouseSql sql;
    private FeedbackEventStore events;
    private ObjectMapper json;
    private String queueUrl;

    @BeforeEach
    void start() throws InterruptedException {
        // Shorter than the waits between tries: a message not kept hidden would be received again, and
        // counted towards the dead-letter queue.
        // Tries at most 2 s apart, so that a minute holds many.
        consumer = RunningConsumer.start(getClass(), Map.of("postdate.feedback.visibility-timeout", "2s",
                "postdate.feedback.retry-max-backoff", "2s"));
        env = consumer.env;
        sql = consumer.bean(ClickHouseSql.class);
        events = consumer.bean(FeedbackEventStore.class);
        json = consumer.bean(ObjectMapper.class);
        queueUrl = consumer.queueUrl(env.trackingQueue());
    }

    @AfterEach
    void stop() throws Exception {
        if (consumer != null) {
            consumer.close();
        }
    }

    @Test
    void whileTheTableIsGoneEventsWaitAndAreRecordedOnceItIsBack() throws Exception {
        String away = sql.table("feedback_events_away");
        sql.execute("RENAME TABLE " + sql.table("feedback_events") + " TO " + away);
        try {
            publish(open("o-1", "acme"));
            publish(open("o-2", "acme"));
            assertTrue(Await.until(WAIT, () -> failures() >= 4), "tried again and again while the table was gone");
            assertEquals(0, dlqDepth(), "an outage dead-letters nothing");
        } finally {
            sql.execute("RENAME TABLE " + away + " TO " + sql.table("feedback_events"));
        }
        assertTrue(Await.until(WAIT, () -> events.ofBatch("acme", "b-1").openedTotal() == 2), "both recorded once back");
        assertTrue(Await.until(WAIT, () -> queueDepth() == 0));
        assertEquals(0, dlqDepth());
    }

    @Test
    void whileClickHouseRefusesEveryRecordNothingIsDeadLettered() throws Exception {
        String column = refuse("tenant != ''");
        try {
            publishTogether(open("o-3", "acme"), open("o-4", "globex"), open("o-5", "globex"));
            assertTrue(Await.until(WAIT, () -> failures() >= 15), "refused again and again, together and alone");
            assertEquals(0, dlqDepth(), "no record accepted meanwhile: the refusals are held against no message");
        } finally {
            sql.execute("ALTER TABLE " + sql.table("feedback_events") + " DROP COLUMN " + column);
        }
        assertTrue(Await.until(WAIT, () -> events.ofBatch("acme", "b-1").openedTotal() == 1
                && events.ofBatch("globex", "b-1").openedTotal() == 2), "all recorded once ClickHouse takes them");
        assertEquals(0, dlqDepth());
    }

    @Test
    void aMessageClickHouseRefusesWhileItTakesOthersIsDeadLetteredAlone() throws Exception {
        String poison = "poison-" + UUID.randomUUID().toString().substring(0, 8);
        String column = refuse("tenant = '" + poison + "'");
        try {
            publish(open("p-1", poison));
            int good = 0;
            // Traffic goes on, as in production: the accepted records are what show the refusal is the message's.
            while (dlqDepth() == 0 && good < 200) {
                publish(open("g-" + good++, "acme"));
                Thread.sleep(300);
            }
            assertEquals(1, dlqDepth(), "the refused message reached the dead-letter queue");
            int published = good;
            assertTrue(Await.until(WAIT, () -> events.ofBatch("acme", "b-1").openedTotal() == published),
                    "every good message recorded");
            assertEquals(0, events.ofBatch(poison, "b-1").openedTotal());
        } finally {
            sql.execute("ALTER TABLE " + sql.table("feedback_events") + " DROP COLUMN " + column);
        }
    }

    /** Makes ClickHouse refuse every insert holding a row where {@code condition} holds; returns the column to drop. */
    private String refuse(String condition) {
        String column = "refuse_" + UUID.randomUUID().toString().substring(0, 8);
        sql.execute("ALTER TABLE " + sql.table("feedback_events") + " ADD COLUMN " + column
                + " UInt8 MATERIALIZED throwIf(" + condition + ")");
        return column;
    }

    private double failures() {
        return consumer.bean(MeterRegistry.class).counter("postdate.feedback.tracking.messages", "outcome", "failed").count();
    }

    private static TrackingEvent open(String id, String tenant) {
        return new TrackingEvent(id, TrackingEvent.OPENED, tenant, "e-" + id, "b-1", "r-" + id + "@example.org", "", "",
                0, "", 1_796_000_000_000L);
    }

    private void publish(TrackingEvent event) throws IOException {
        String body = json.writeValueAsString(List.of(event));
        env.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }

    /** In one SQS call, so that one receive brings them all. */
    private void publishTogether(TrackingEvent... events) throws IOException {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (TrackingEvent event : events) {
            entries.add(SendMessageBatchRequestEntry.builder().id(event.id())
                    .messageBody(json.writeValueAsString(List.of(event))).build());
        }
        env.sqs().sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
    }

    private int queueDepth() {
        return env.waitingMessages(env.trackingQueue()) + env.messagesInFlight(env.trackingQueue());
    }

    private int dlqDepth() {
        return env.waitingMessages(env.trackingQueue() + "-dlq");
    }
}
