package dev.postdate.worker;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.clickhouse.contacts.Contact;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.clickhouse.contacts.ContactStore;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.Tracking;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.testing.ComponentProcess;
import dev.postdate.core.testing.SnsTestSigner;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracking across the roles, against the real servers: this worker sends through the SES emulator
 * and GreenMail, the tracker and the feedback consumer run as the built jars in their own JVMs. The
 * links read back from the sent mail redirect and count once per click, the pixel counts an open, a
 * one-click POST on the List-Unsubscribe URL withdraws the topic's consent, and the recipient's
 * email of the campaign's next occurrence is then suppressed, recorded so. A bounce SNS delivers
 * to the tracker's HTTPS endpoint, signed, suppresses the address; a forged one is refused. A mail
 * to List-Unsubscribe's {@code mailto:}, as a mail client sends it, withdraws the topic's consent
 * through the feedback consumer's IMAP reader.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrackingEndToEndTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP))
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    /** List-Unsubscribe's mailto: address, a mailbox in GreenMail that the feedback consumer reads over IMAP. */
    private static final String UNSUBSCRIBE_MAILBOX = "unsubscribe@postdate.local";

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SHOP = "https://shop.example.org/spring?utm=mail&x=1";
    private static final Pattern TRACKED_LINK = Pattern.compile("href=\"(http://127\\.0\\.0\\.1:\\d+/c/[A-Za-z0-9_-]+)\"");
    private static final Pattern PIXEL = Pattern.compile("src=\"(http://127\\.0\\.0\\.1:\\d+/o/[A-Za-z0-9_-]+)\"");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private WorkerFixture fixture;
    private ComponentProcess tracker;
    private ComponentProcess feedbackConsumer;
    private SnsTestSigner sns;
    private FeedbackEventStore events;
    private ContactStore contacts;

    @BeforeAll
    void start() throws Exception {
        fixture = new WorkerFixture(getClass());
        Map<String, Object> properties = new HashMap<>(fixture.env.properties());
        properties.put("postdate.feedback.receive-wait", "1s");
        sns = new SnsTestSigner();
        Map<String, Object> trackerProperties = new HashMap<>(properties);
        trackerProperties.putAll(sns.trackerProperties(fixture.env.feedbackQueue()));
        tracker = ComponentProcess.start(Path.of("..", "tracker"), trackerProperties);
        greenMail.setUser(UNSUBSCRIBE_MAILBOX, "unsubscribe", "secret");
        Map<String, Object> consumerProperties = new HashMap<>(properties);
        consumerProperties.put("postdate.feedback.unsubscribe.mailbox", "imap://unsubscribe:secret@127.0.0.1:"
                + greenMail.getImap().getPort() + "/INBOX");
        consumerProperties.put("postdate.feedback.unsubscribe.poll-interval", "500ms");
        feedbackConsumer = ComponentProcess.start(Path.of("..", "feedback-consumer"), consumerProperties);
        events = fixture.control.getBean(FeedbackEventStore.class);
        contacts = fixture.control.getBean(ContactStore.class);
    }

    @AfterAll
    void stop() throws Exception {
        if (tracker != null) {
            tracker.close();
        }
        if (feedbackConsumer != null) {
            feedbackConsumer.close();
        }
        if (sns != null) {
            sns.close();
        }
        fixture.close();
    }

    @Test
    void aCampaignEmailsLinksCountAndItsOneClickUnsubscribeSkipsTheNextOccurrence() throws Exception {
        fixture.closeWorkers();
        String reader = "reader-" + fixture.token + "@example.com";
        subscribeToNews("c-reader", reader);
        String first = "campaign.spring-" + fixture.token + ".1";
        List<WorkerFixture.Stored> sent = fixture.insertContents("acme", first, List.of(content(reader, "news", null)));
        fixture.publish(WorkerFixture.rangeOf("e2e-1", sent, 1));
        fixture.startWorker("w-ses", Map.of("postdate.worker.sender", "ses",
                "postdate.tracking.base-url", tracker.url().toString()));
        assertTrue(WorkerFixture.await(WAIT, () -> fixture.state(sent.getFirst()) == EmailStatus.SENT));

        Map<String, Object> mail = sesEmailsTo(reader).getFirst();
        @SuppressWarnings("unchecked")
        String html = String.valueOf(((Map<String, Object>) mail.get("body")).get("html"));
        assertFalse(html.contains("shop.example.org"), "the destination is sealed in the token: " + html);
        String link = find(TRACKED_LINK, html);
        HttpResponse<Void> click = http.send(HttpRequest.newBuilder(URI.create(link)).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(302, click.statusCode());
        assertEquals(SHOP, click.headers().firstValue("Location").orElseThrow());
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(find(PIXEL, html))).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(link.substring(0, link.length() - 3) + "xyz")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "a changed token redirects nowhere");

        List<FeedbackEventStore.LinkClicks> clicked = List.of(new FeedbackEventStore.LinkClicks(1, SHOP, 1, 1));
        assertTrue(WorkerFixture.await(WAIT, () -> events.ofBatch("acme", first).clickedTotal() == 1
                && events.ofBatch("acme", first).openedTotal() == 1
                && events.feedbackOf("acme", List.of(first)).links().equals(clicked)), () -> "" + events.feedbackOf("acme", List.of(first)));
        FeedbackEventStore.BatchFeedback counted = events.ofBatch("acme", first);
        assertEquals(1, counted.clickedUnique());
        assertEquals(1, counted.openedUnique());

        String headers = String.valueOf(mail.get("headers"));
        assertTrue(headers.contains("List-Unsubscribe=One-Click"), headers);
        Matcher unsubscribe = Pattern.compile("<(http://127\\.0\\.0\\.1:\\d+/u/[A-Za-z0-9_-]+)>").matcher(headers);
        assertTrue(unsubscribe.find(), headers);
        HttpResponse<String> oneClick = http.send(HttpRequest.newBuilder(URI.create(unsubscribe.group(1)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, oneClick.statusCode(), oneClick.body());
        assertTrue(WorkerFixture.await(WAIT, () -> !contacts.find("acme", "c-reader").orElseThrow().contact()
                .consent().get("news").granted()));
        assertEquals(1, events.ofBatch("acme", first).unsubscribed());

        List<WorkerFixture.Stored> next = fixture.insertContents("acme", "campaign.spring-" + fixture.token + ".2",
                List.of(content(reader, "news", null)));
        fixture.publish(WorkerFixture.rangeOf("e2e-2", next, 1));
        assertTrue(WorkerFixture.await(WAIT, () -> fixture.state(next.getFirst()) == EmailStatus.SUPPRESSED));
        assertEquals(1, sesEmailsTo(reader).size(), "the next occurrence's email was not sent");
    }

    @Test
    void overSmtpAPlainEmailThatAsksCarriesTheHeadersAndItsLinksCount() throws Exception {
        fixture.closeWorkers();
        String reader = "smtp-" + fixture.token + "@example.com";
        List<WorkerFixture.Stored> sent = fixture.insertContents("acme", "smtp-" + fixture.token,
                List.of(content(reader, null, new Tracking(false, null, null, true))));
        fixture.publish(WorkerFixture.rangeOf("e2e-smtp", sent, 1));
        fixture.startWorker("w-smtp", Map.of("postdate.worker.sender", "smtp", "postdate.smtp.host", "127.0.0.1",
                "postdate.smtp.port", greenMail.getSmtp().getPort(), "postdate.tracking.base-url", tracker.url().toString()));
        assertTrue(WorkerFixture.await(WAIT, () -> fixture.state(sent.getFirst()) == EmailStatus.SENT));

        MimeMessage message = receivedBy(reader);
        assertEquals("List-Unsubscribe=One-Click", message.getHeader("List-Unsubscribe-Post")[0]);
        assertTrue(message.getHeader("List-Unsubscribe")[0].contains("/u/"));
        String html = htmlOf(message);
        assertFalse(PIXEL.matcher(html).find(), "opens off for this email");
        String link = find(TRACKED_LINK, html);
        for (int i = 0; i < 2; i++) {
            assertEquals(SHOP, http.send(HttpRequest.newBuilder(URI.create(link)).build(),
                    HttpResponse.BodyHandlers.discarding()).headers().firstValue("Location").orElseThrow());
        }
        assertTrue(WorkerFixture.await(WAIT, () -> events.ofBatch("acme", "smtp-" + fixture.token).clickedTotal() == 2));
        assertEquals(1, events.ofBatch("acme", "smtp-" + fixture.token).clickedUnique(), "two clicks, one email");
    }

    @Test
    void aMailToTheMailtoOfListUnsubscribeWithdrawsTheTopicsConsent() throws Exception {
        fixture.closeWorkers();
        String reader = "mailto-" + fixture.token + "@example.com";
        subscribeToNews("c-mailto", reader);
        String batch = "campaign.mailto-" + fixture.token + ".1";
        List<WorkerFixture.Stored> sent = fixture.insertContents("acme", batch, List.of(content(reader, "news", null)));
        fixture.publish(WorkerFixture.rangeOf("e2e-mailto", sent, 1));
        fixture.startWorker("w-mailto", Map.of("postdate.worker.sender", "smtp", "postdate.smtp.host", "127.0.0.1",
                "postdate.smtp.port", greenMail.getSmtp().getPort(), "postdate.tracking.base-url", tracker.url().toString(),
                "postdate.tracking.unsubscribe-mailto", UNSUBSCRIBE_MAILBOX));
        assertTrue(WorkerFixture.await(WAIT, () -> fixture.state(sent.getFirst()) == EmailStatus.SENT));

        String listUnsubscribe = receivedBy(reader).getHeader("List-Unsubscribe")[0];
        Matcher mailto = Pattern.compile("<mailto:" + Pattern.quote(UNSUBSCRIBE_MAILBOX) + "\\?subject=([^>]+)>")
                .matcher(listUnsubscribe);
        assertTrue(mailto.find(), listUnsubscribe);
        assertTrue(listUnsubscribe.contains("/u/"), "the https URL stays: " + listUnsubscribe);
        // What the recipient's mail client does with it: a mail to the address, with that subject.
        GreenMailUtil.sendTextEmail(UNSUBSCRIBE_MAILBOX, reader, mailto.group(1), "", greenMail.getSmtp().getServerSetup());

        assertTrue(WorkerFixture.await(WAIT, () -> !contacts.find("acme", "c-mailto").orElseThrow().contact()
                .consent().get("news").granted()));
        assertTrue(contacts.find("acme", "c-mailto").orElseThrow().contact().consent().get("news").source()
                .startsWith("unsubscribe:mailto:"));
        assertEquals(1, events.ofBatch("acme", batch).unsubscribed());
    }

    @Test
    void anSnsSignedBounceSuppressesTheAddressAndAForgedComplaintIsRefused() throws Exception {
        fixture.closeWorkers();
        String bounced = "bounced-" + fixture.token + "@example.com";
        String complainer = "complainer-" + fixture.token + "@example.com";
        List<WorkerFixture.Stored> sent = fixture.insertContents("acme", "sns-" + fixture.token,
                List.of(content(bounced, null, null), content(complainer, null, null)));
        fixture.publish(WorkerFixture.rangeOf("e2e-sns", sent, 2));
        fixture.startWorker("w-sns", Map.of("postdate.worker.sender", "ses"));
        assertTrue(WorkerFixture.await(WAIT, () -> sent.stream().allMatch(e -> fixture.state(e) == EmailStatus.SENT)));

        String bounce = "{\"eventType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"feedbackId\":\"fb-"
                + fixture.token + "\",\"bouncedRecipients\":[{\"emailAddress\":\"" + bounced + "\"}],\"timestamp\":\""
                + Instant.now() + "\"},\"mail\":{\"messageId\":\"" + providerId(sent.get(0)) + "\"}}";
        assertEquals(200, postSns(sns.signed(sns.notification("m-bounce-" + fixture.token, bounce), "2")));
        String complaint = "{\"eventType\":\"Complaint\",\"complaint\":{\"feedbackId\":\"fc-" + fixture.token
                + "\",\"complainedRecipients\":[{\"emailAddress\":\"" + complainer + "\"}],\"timestamp\":\""
                + Instant.now() + "\"},\"mail\":{\"messageId\":\"" + providerId(sent.get(1)) + "\"}}";
        String forged = sns.signed(sns.notification("m-complaint-" + fixture.token, complaint), "2")
                .replace(complainer, "someone-" + complainer);
        assertEquals(403, postSns(forged), "changed after signing");

        SuppressionStore suppressions = fixture.control.getBean(SuppressionStore.class);
        assertTrue(WorkerFixture.await(WAIT, () -> suppressions.find("acme", bounced).isPresent()));
        assertEquals("ses:fb-" + fixture.token, suppressions.find("acme", bounced).orElseThrow().source());
        assertTrue(suppressions.find("acme", "someone-" + complainer).isEmpty());
        assertTrue(suppressions.find("acme", complainer).isEmpty());
    }

    /** What the SES emulator holds for this recipient: the test methods share the fixture's token. */
    private List<Map<String, Object>> sesEmailsTo(String recipient) throws Exception {
        return fixture.sesEmails().stream().filter(m -> String.valueOf(m.get("destination")).contains(recipient)).toList();
    }

    /** A contact of tenant acme who consented to the topic {@code news}. */
    private void subscribeToNews(String contactId, String address) {
        contacts.upsert("acme", List.of(new Contact(contactId, address, null, null, null, ContactStatus.ACTIVE, Map.of(),
                Map.of("news", new Consent(true, Instant.parse("2026-01-01T00:00:00Z"), "signup")), 1)));
    }

    /** The one mail GreenMail received for this recipient: the test methods share the server. */
    private static MimeMessage receivedBy(String recipient) throws Exception {
        List<MimeMessage> received = new ArrayList<>();
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            if (String.join(",", message.getHeader("To")).contains(recipient)) {
                received.add(message);
            }
        }
        assertEquals(1, received.size(), "mails to " + recipient);
        return received.getFirst();
    }

    private String providerId(WorkerFixture.Stored email) {
        return fixture.events(email).stream().filter(e -> e.state() == EmailStatus.SENT).findFirst().orElseThrow().detail();
    }

    private int postSns(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(tracker.url() + "/sns"))
                .header("Content-Type", "text/plain; charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static EmailContent content(String to, String topic, Tracking tracking) {
        return new EmailContent(new Address(to, "Reader"), new Address("news@example.org", "News"), null, "Spring",
                "<p>Hello</p><p><a href=\"" + SHOP.replace("&", "&amp;") + "\">Shop now</a></p>", "Hello", null, null,
                Map.of(), List.of(), topic, null, tracking);
    }

    private static String find(Pattern pattern, String html) {
        Matcher matcher = pattern.matcher(html);
        assertTrue(matcher.find(), pattern + " in " + html);
        return matcher.group(1);
    }

    private static String htmlOf(MimeMessage message) throws Exception {
        Object content = message.getContent();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                if (part.isMimeType("text/html")) {
                    return (String) part.getContent();
                }
                if (part.getContent() instanceof Multipart nested) {
                    for (int j = 0; j < nested.getCount(); j++) {
                        if (nested.getBodyPart(j).isMimeType("text/html")) {
                            return (String) nested.getBodyPart(j).getContent();
                        }
                    }
                }
            }
        }
        return String.valueOf(content);
    }
}
