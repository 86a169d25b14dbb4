package dev.postdate.feedback;

import dev.postdate.clickhouse.feedback.FeedbackEvent;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feedback path against the real servers: notifications as SES publishes them arrive on the
 * feedback queue (ElasticMQ), the consumer finds their emails by the provider ids the worker recorded
 * as 'sent' (ClickHouse), records the events and suppresses what the policy says, per tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeedbackConsumerTest {

    private static final Duration WAIT = RunningConsumer.WAIT;

    private RunningConsumer consumer;
    private TestEnvironment env;
    private SuppressionStore suppressions;
    private FeedbackEventStore events;
    private String queueUrl;

    @BeforeAll
    void start() throws InterruptedException {
        consumer = RunningConsumer.start(getClass(), Map.of());
        env = consumer.env;
        suppressions = consumer.bean(SuppressionStore.class);
        events = consumer.bean(FeedbackEventStore.class);
        queueUrl = consumer.queueUrl(env.feedbackQueue());
    }

    @AfterAll
    void stop() throws Exception {
        if (consumer != null) {
            consumer.close();
        }
    }

    @Test
    void aHardBounceSuppressesTheAddressForItsTenantOnly() throws InterruptedException {
        sent("acme", "e-hard", "prov-hard");
        sent("globex", "e-other", "prov-other");
        publish(SesSamples.bounce("prov-hard", "fb-hard", "Permanent", List.of("Gone@Example.org")));
        publish(SesSamples.bounce("prov-hard", "fb-hard", "Permanent", List.of("Gone@Example.org")));
        publish(SesSamples.delivery("prov-other", "gone@example.org"));

        Suppression suppressed = await(() -> suppressions.find("acme", "gone@example.org"));
        assertEquals(SuppressionPolicy.HARD_BOUNCE, suppressed.reason());
        assertEquals("ses:fb-hard", suppressed.source());
        assertNull(suppressed.expires(), "a hard bounce suppresses for good");
        assertTrue(Await.until(WAIT, () -> !events.ofEmail("globex", "e-other").isEmpty()));
        assertEquals(Optional.empty(), suppressions.find("globex", "gone@example.org"),
                "another tenant's delivery to the same address suppresses nothing there");
        List<FeedbackEvent> recorded = events.ofEmail("acme", "e-hard");
        assertEquals(1, recorded.size(), "the notification delivered twice is one event: " + recorded);
        assertEquals("bounced", recorded.getFirst().type());
        assertEquals("permanent", recorded.getFirst().subtype());
        assertEquals(Instant.parse("2026-12-06T10:00:01Z"), recorded.getFirst().at());
    }

    @Test
    void aComplaintInAnSnsEnvelopeSuppresses() throws InterruptedException {
        sent("acme", "e-complaint", "prov-complaint");
        publish(SesSamples.inSnsEnvelope(SesSamples.complaint("prov-complaint", "fb-complaint", "angry@example.org")));

        Suppression suppressed = await(() -> suppressions.find("acme", "angry@example.org"));
        assertEquals(SuppressionPolicy.COMPLAINT, suppressed.reason());
        assertEquals("ses:fb-complaint", suppressed.source());
    }

    @Test
    void softBouncesSuppressForAWhileOnlyOnceTheyRepeat() throws InterruptedException {
        for (int i = 1; i <= 3; i++) {
            sent("acme", "e-soft-" + i, "prov-soft-" + i);
        }
        publish(SesSamples.bounce("prov-soft-1", "fb-soft-1", "Transient", List.of("full@example.org")));
        publish(SesSamples.bounce("prov-soft-2", "fb-soft-2", "Undetermined", List.of("full@example.org")));
        assertTrue(Await.until(WAIT, () -> events.ofEmail("acme", "e-soft-2").size() == 1
                && events.ofEmail("acme", "e-soft-1").size() == 1));
        assertEquals(Optional.empty(), suppressions.find("acme", "full@example.org"), "two of three");

        publish(SesSamples.bounce("prov-soft-3", "fb-soft-3", "Transient", List.of("full@example.org")));
        Suppression suppressed = await(() -> suppressions.find("acme", "full@example.org"));
        assertEquals(SuppressionPolicy.SOFT_BOUNCES, suppressed.reason());
        Duration lasts = Duration.between(suppressed.created(), suppressed.expires());
        assertEquals(Duration.ofDays(30), lasts, "soft-bounce-suppression");
    }

    @Test
    void softBouncesNeverShortenAPermanentSuppression() throws InterruptedException {
        sent("acme", "e-perm", "prov-perm");
        publish(SesSamples.bounce("prov-perm", "fb-perm", "Permanent", List.of("kept@example.org")));
        await(() -> suppressions.find("acme", "kept@example.org"));
        for (int i = 1; i <= 3; i++) {
            sent("acme", "e-perm-soft-" + i, "prov-perm-soft-" + i);
            publish(SesSamples.bounce("prov-perm-soft-" + i, "fb-perm-soft-" + i, "Transient", List.of("kept@example.org")));
        }
        assertTrue(Await.until(WAIT, () -> events.ofEmail("acme", "e-perm-soft-3").size() == 1
                && events.ofEmail("acme", "e-perm-soft-2").size() == 1 && events.ofEmail("acme", "e-perm-soft-1").size() == 1));
        Suppression kept = suppressions.find("acme", "kept@example.org").orElseThrow();
        assertEquals(SuppressionPolicy.HARD_BOUNCE, kept.reason());
        assertNull(kept.expires(), "still for good");
    }

    @Test
    void aNotificationAheadOfItsSentEventWaitsForIt() throws InterruptedException {
        publish(SesSamples.bounce("prov-late", "fb-late", "Permanent", List.of("late@example.org")));
        Thread.sleep(2_000);
        assertEquals(Optional.empty(), suppressions.find("acme", "late@example.org"));
        sent("acme", "e-late", "prov-late");

        assertEquals(SuppressionPolicy.HARD_BOUNCE, await(() -> suppressions.find("acme", "late@example.org")).reason());
    }

    @Test
    void whatNeverMatchesOrParsesEndsInTheDeadLetterQueue() throws InterruptedException {
        publish(SesSamples.bounce("prov-never-sent", "fb-never", "Permanent", List.of("x@example.org")));
        publish("{\"eventType\":\"Bounce\",\"mail\":{}}");
        assertTrue(Await.until(WAIT, () -> env.waitingMessages(env.feedbackQueue() + "-dlq") == 2),
                "both dead-lettered after the maximum receives");
        assertEquals(Optional.empty(), suppressions.find("acme", "x@example.org"));
    }

    private void sent(String tenant, String emailId, String providerId) {
        consumer.sent(tenant, emailId, providerId);
    }

    private void publish(String body) {
        env.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }

    private interface Lookup {
        Optional<Suppression> find();
    }

    private static Suppression await(Lookup lookup) throws InterruptedException {
        assertTrue(Await.until(WAIT, () -> lookup.find().isPresent()), "not suppressed within " + WAIT);
        return lookup.find().orElseThrow();
    }
}
