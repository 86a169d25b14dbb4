package dev.postdate.feedback;

import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SesNotificationsTest {

    private final SesNotifications notifications = new SesNotifications(JsonMapper.createDefault());

    @Test
    void aHardBounceNamesEveryRecipientInTheFormSuppressionsStore() {
        ProviderNotification bounce = notifications.parse(SesSamples.bounce("p1", "f1", "Permanent",
                List.of("Ada@Example.ORG", "Bob <bob@b\u00fccher.example>"))).orElseThrow();
        assertEquals("bounced", bounce.type());
        assertEquals("permanent", bounce.subtype());
        assertTrue(bounce.isHardBounce());
        assertEquals("p1", bounce.providerId());
        assertEquals("f1", bounce.notificationId());
        assertEquals(Instant.parse("2026-12-06T10:00:01Z"), bounce.at());
        assertEquals(List.of("ada@example.org", "bob@xn--bcher-kva.example"),
                bounce.recipients().stream().map(ProviderNotification.Recipient::address).toList());
        assertEquals("5.1.1 smtp; 550 5.1.1 user unknown", bounce.recipients().getFirst().detail());
    }

    @Test
    void snsEnvelopesAndIdentityNotificationsReadTheSame() {
        ProviderNotification complaint = notifications.parse(
                SesSamples.inSnsEnvelope(SesSamples.complaint("p2", "f2", "b@x.example"))).orElseThrow();
        assertTrue(complaint.isComplaint());
        assertEquals("abuse", complaint.subtype());
        assertEquals("f2", complaint.notificationId());
        assertEquals(List.of(new ProviderNotification.Recipient("b@x.example", "")), complaint.recipients());
    }

    @Test
    void transientAndUndeterminedBouncesAreSoft() {
        assertTrue(notifications.parse(SesSamples.bounce("p", "f", "Transient", List.of("c@x.example")))
                .orElseThrow().isSoftBounce());
        assertTrue(notifications.parse(SesSamples.bounce("p", "f", "Undetermined", List.of("c@x.example")))
                .orElseThrow().isSoftBounce());
    }

    @Test
    void aDeliveryWithoutFeedbackIdGetsAnIdEveryCopyShares() {
        ProviderNotification first = notifications.parse(SesSamples.delivery("p4", "d@x.example")).orElseThrow();
        ProviderNotification copy = notifications.parse(SesSamples.inSnsEnvelope(SesSamples.delivery("p4", "d@x.example")))
                .orElseThrow();
        assertEquals("delivered", first.type());
        assertEquals(first.notificationId(), copy.notificationId());
        assertEquals("250 2.6.0 Message received", first.recipients().getFirst().detail());
    }

    @Test
    void eventsPostdateHasNoUseForAreIgnored() {
        assertEquals(Optional.empty(), notifications.parse(SesSamples.send("p5")));
        assertEquals(Optional.empty(), notifications.parse(
                "{\"Type\":\"SubscriptionConfirmation\",\"Token\":\"t\",\"SubscribeURL\":\"https://sns.example\"}"));
    }

    @Test
    void aBounceWithoutTypeIsUndeterminedAndSoft() {
        ProviderNotification bounce = notifications.parse(SesSamples.bounce("p", "f", "Permanent", List.of("c@x.example"))
                .replace("\"bounceType\":\"Permanent\",", "")).orElseThrow();
        assertEquals("undetermined", bounce.subtype());
        assertTrue(bounce.isSoftBounce());
    }

    @Test
    void subscriptionNoticesWithoutMailAreIgnored() {
        assertEquals(Optional.empty(), notifications.parse(
                "{\"notificationType\":\"AmazonSnsSubscriptionSucceeded\",\"message\":\"You have successfully subscribed\"}"));
    }

    @Test
    void whatIsNoSesNotificationIsMalformed() {
        assertThrows(SesNotifications.Malformed.class, () -> notifications.parse("not json"));
        assertThrows(SesNotifications.Malformed.class, () -> notifications.parse("[1, 2]"));
        assertThrows(SesNotifications.Malformed.class, () -> notifications.parse("{\"eventType\":\"Bounce\"}"));
        assertThrows(SesNotifications.Malformed.class, () -> notifications.parse(
                SesSamples.bounce("p1", "f1", "Permanent", List.of())));
        assertThrows(SesNotifications.Malformed.class, () -> notifications.parse(
                SesSamples.delivery("p1", "d@x.example").replace("2026-12-06T10:00:02.000Z", "yesterday")));
    }
}
