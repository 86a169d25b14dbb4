package dev.postdate.feedback;

import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.clickhouse.contacts.Contact;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.clickhouse.contacts.ContactStore;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.TestEnvironment;
import dev.postdate.core.tracking.TrackingEvent;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tracker's events on the real tracking queue (ElasticMQ) become feedback events in ClickHouse,
 * once each however often SQS delivers them, and unsubscribes take effect: a topic's consent withdrawn
 * on the address's contacts, or the address suppressed for the tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrackingConsumerTest {

    private static final Duration WAIT = RunningConsumer.WAIT;
    private static final long AT = Instant.parse("2026-12-06T10:00:00Z").toEpochMilli();

    private RunningConsumer consumer;
    private TestEnvironment env;
    private FeedbackEventStore events;
    private SuppressionStore suppressions;
    private ContactStore contacts;
    private ObjectMapper json;
    private String queueUrl;

    @BeforeAll
    void start() throws InterruptedException {
        consumer = RunningConsumer.start(getClass(), Map.of());
        env = consumer.env;
        events = consumer.bean(FeedbackEventStore.class);
        suppressions = consumer.bean(SuppressionStore.class);
        contacts = consumer.bean(ContactStore.class);
        json = consumer.bean(ObjectMapper.class);
        queueUrl = consumer.queueUrl(env.trackingQueue());
    }

    @AfterAll
    void stop() throws Exception {
        if (consumer != null) {
            consumer.close();
        }
    }

    @Test
    void opensAndClicksAreCountedOnceEachPerEventAndPerEmail() throws IOException, InterruptedException {
        TrackingEvent firstClick = click("k-1", "e-1", 1, "https://example.org/a");
        publish(List.of(firstClick, click("k-2", "e-1", 1, "https://example.org/a"),
                click("k-3", "e-2", 2, "https://example.org/b"), open("o-1", "e-1"), open("o-2", "e-1")));
        publish(List.of(firstClick, open("o-3", ""), open("o-4", "")));

        List<FeedbackEventStore.LinkClicks> links = List.of(new FeedbackEventStore.LinkClicks(1, "https://example.org/a", 1, 2),
                new FeedbackEventStore.LinkClicks(2, "https://example.org/b", 1, 1));
        assertTrue(Await.until(WAIT, () -> events.ofBatch("acme", "b-stats").openedTotal() == 4
                && events.feedbackOf("acme", List.of("b-stats")).links().equals(links)),
                () -> "counts and links' destinations come from two views an insert fills one after the other: "
                        + events.feedbackOf("acme", List.of("b-stats")));
        FeedbackEventStore.BatchFeedback feedback = events.ofBatch("acme", "b-stats");
        assertEquals(3, feedback.clickedTotal(), "the click delivered twice counts once");
        assertEquals(2, feedback.clickedUnique());
        assertEquals(1, feedback.openedUnique(), "anonymous opens name no email");
        assertEquals(0, events.ofBatch("globex", "b-stats").clickedTotal(), "by tenant");
    }

    @Test
    void aCampaignsOccurrencesAddUpInOneQuery() throws IOException, InterruptedException {
        publish(List.of(clickIn("campaign.sum.1", "s-1", "e-s1", 1, "https://example.org/a"),
                clickIn("campaign.sum.1", "s-2", "e-s1", 1, "https://example.org/a"),
                clickIn("campaign.sum.2", "s-3", "e-s2", 1, "https://example.org/a"),
                clickIn("campaign.sum.2", "s-4", "e-s2", 2, "https://example.org/b")));
        List<String> occurrences = List.of("campaign.sum.1", "campaign.sum.2");

        List<FeedbackEventStore.LinkClicks> links = List.of(new FeedbackEventStore.LinkClicks(1, "https://example.org/a", 2, 3),
                new FeedbackEventStore.LinkClicks(2, "https://example.org/b", 1, 1));
        assertTrue(Await.until(WAIT, () -> events.feedbackOf("acme", occurrences).counts().clickedTotal() == 4
                && events.feedbackOf("acme", occurrences).links().equals(links)), () -> "" + events.feedbackOf("acme", occurrences));
        assertEquals(2, events.feedbackOf("acme", occurrences).counts().clickedUnique());
        assertEquals(1, events.ofBatch("acme", "campaign.sum.2").clickedUnique());
    }

    @Test
    void unsubscribingFromATopicWithdrawsItsConsentOnTheAddressesContacts() throws IOException, InterruptedException {
        Instant granted = Instant.parse("2026-01-01T00:00:00Z");
        contacts.upsert("acme", List.of(contact("c-1", "Reader@Example.org", granted, granted.toEpochMilli()),
                contact("c-2", "other@example.org", granted, 1), contact("c-3", "reader@example.org", granted, 7)));
        TrackingEvent unsubscribe = unsubscribe("u-1", "reader@example.org", "news", TrackingEvent.SCOPE_TOPIC);
        long published = System.currentTimeMillis();
        publish(List.of(unsubscribe));
        publish(List.of(unsubscribe));

        assertTrue(Await.until(WAIT, () -> !contacts.find("acme", "c-1").orElseThrow().contact().consent()
                .get("news").granted()));
        Contact reader = contacts.find("acme", "c-1").orElseThrow().contact();
        assertEquals(new Consent(false, Instant.ofEpochMilli(AT), "unsubscribe:u-1"), reader.consent().get("news"));
        assertTrue(reader.consent().get("offers").granted(), "other topics untouched");
        assertTrue(reader.version() >= published, "versioned by time: outranks a write the tenant made meanwhile"
                + " without a version: " + reader.version());
        Contact counted = contacts.find("acme", "c-3").orElseThrow().contact();
        assertFalse(counted.consent().get("news").granted());
        assertEquals(8, counted.version(), "the tenant's own counter goes on counting");
        assertTrue(contacts.find("acme", "c-2").orElseThrow().contact().consent().get("news").granted());
        assertEquals(Optional.empty(), suppressions.find("acme", "reader@example.org"), "a topic only");
        assertTrue(Await.until(WAIT, () -> events.ofBatch("acme", "campaign.u-1.1").unsubscribed() == 1));
    }

    @Test
    void unsubscribingFromAllSuppressesTheAddressForItsTenant() throws IOException, InterruptedException {
        publish(List.of(unsubscribe("u-2", "leaver@example.org", "", TrackingEvent.SCOPE_ALL)));

        assertTrue(Await.until(WAIT, () -> suppressions.find("acme", "leaver@example.org").isPresent()));
        Suppression suppressed = suppressions.find("acme", "leaver@example.org").orElseThrow();
        assertEquals(TrackingEvent.UNSUBSCRIBED, suppressed.reason());
        assertEquals("unsubscribe:u-2", suppressed.source());
        assertNull(suppressed.expires());
        assertFalse(suppressions.find("globex", "leaver@example.org").isPresent());
    }

    @Test
    void unreadableMessagesEndInTheDeadLetterQueue() throws InterruptedException {
        env.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"not\":\"a list\"}"));
        env.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody("[{\"id\":\"x\",\"type\":\"liked\",\"tenant\":\"acme\","
                + "\"email_id\":\"\",\"batch_id\":\"\",\"recipient\":\"\",\"topic\":\"\",\"scope\":\"\",\"link\":0,"
                + "\"url\":\"\",\"at_ms\":1}]"));
        assertTrue(Await.until(WAIT, () -> env.waitingMessages(env.trackingQueue() + "-dlq") == 2),
                "both dead-lettered after the maximum receives");
    }

    private static Contact contact(String id, String email, Instant granted, long version) {
        return new Contact(id, email, null, null, null, ContactStatus.ACTIVE, Map.of(),
                Map.of("news", new Consent(true, granted, "signup"), "offers", new Consent(true, granted, "signup")), version);
    }

    private static TrackingEvent click(String id, String emailId, int link, String url) {
        return clickIn("b-stats", id, emailId, link, url);
    }

    private static TrackingEvent clickIn(String batchId, String id, String emailId, int link, String url) {
        return new TrackingEvent(id, TrackingEvent.CLICKED, "acme", emailId, batchId,
                emailId.isEmpty() ? "" : "r-" + emailId + "@example.org", "", "", link, url, AT);
    }

    private static TrackingEvent open(String id, String emailId) {
        return new TrackingEvent(id, TrackingEvent.OPENED, "acme", emailId, "b-stats",
                emailId.isEmpty() ? "" : "r-" + emailId + "@example.org", "", "", 0, "", AT);
    }

    private static TrackingEvent unsubscribe(String id, String recipient, String topic, String scope) {
        return new TrackingEvent(id, TrackingEvent.UNSUBSCRIBED, "acme", "e-" + id, "campaign." + id + ".1", recipient, topic,
                scope, 0, "", AT);
    }

    private void publish(List<TrackingEvent> batch) throws IOException {
        String body = json.writeValueAsString(batch);
        env.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }
}
