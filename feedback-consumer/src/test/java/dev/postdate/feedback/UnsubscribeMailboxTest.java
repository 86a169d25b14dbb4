package dev.postdate.feedback;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.clickhouse.contacts.Contact;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.clickhouse.contacts.ContactStore;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.TestEnvironment;
import dev.postdate.core.tracking.TrackingKeys;
import dev.postdate.core.tracking.TrackingToken;
import dev.postdate.core.tracking.TrackingEvent;
import dev.postdate.core.tracking.TrackingTokens;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * List-Unsubscribe's mailto: mails, as a mail client sends them, in a real IMAP mailbox (GreenMail),
 * read by the feedback consumer and recorded in the real ClickHouse as the one-click POST would be.
 */
class UnsubscribeMailboxTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP_IMAP)
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());

    private static final Duration WAIT = RunningConsumer.WAIT;

    private final TrackingTokens tokens = new TrackingTokens(TrackingKeys.parse(TestEnvironment.TEST_TRACKING_KEYS));
    private RunningConsumer consumer;
    private GreenMailUser mailbox;

    @BeforeEach
    void start() throws InterruptedException {
        mailbox = greenMail.setUser("unsubscribe@postdate.local", "unsubscribe", "secret");
        consumer = RunningConsumer.start(getClass(), Map.of(
                "postdate.feedback.unsubscribe.mailbox", "imap://unsubscribe:secret@127.0.0.1:"
                        + greenMail.getImap().getPort() + "/INBOX",
                "postdate.feedback.unsubscribe.poll-interval", "500ms"));
    }

    @AfterEach
    void stop() throws Exception {
        if (consumer != null) {
            consumer.close();
        }
    }

    @Test
    void aMailWithoutTopicSuppressesTheAddressOnceAndLeavesTheMailbox() throws Exception {
        String token = seal("leaver@example.org", "");
        mailbox.deliver(mail("<m-1@client.example.org>", "Re: unsubscribe:" + token));
        mailbox.deliver(mail("<m-1@client.example.org>", "Re: unsubscribe:" + token));

        SuppressionStore suppressions = consumer.bean(SuppressionStore.class);
        assertTrue(Await.until(WAIT, () -> suppressions.find("acme", "leaver@example.org").isPresent()));
        Suppression suppressed = suppressions.find("acme", "leaver@example.org").orElseThrow();
        assertEquals(TrackingEvent.UNSUBSCRIBED, suppressed.reason());
        assertEquals("unsubscribe:mailto:<m-1@client.example.org>", suppressed.source());
        assertNull(suppressed.expires());
        assertTrue(Await.until(WAIT, () -> inbox() == 0), "both copies deleted once recorded");
        assertEquals(1, consumer.bean(FeedbackEventStore.class).ofBatch("acme", "campaign.c-1.3").unsubscribed(),
                "the mail delivered twice is one unsubscribe");
        assertFalse(suppressions.find("globex", "leaver@example.org").isPresent());
    }

    @Test
    void aMailWithATopicWithdrawsThatConsentAndOneWithoutAValidTokenIsLeftRead() throws Exception {
        ContactStore contacts = consumer.bean(ContactStore.class);
        Instant granted = Instant.parse("2026-01-01T00:00:00Z");
        contacts.upsert("acme", List.of(new Contact("c-9", "reader@example.org", null, null, null, ContactStatus.ACTIVE,
                Map.of(), Map.of("news", new Consent(true, granted, "signup")), 1)));
        String sealed = seal("reader@example.org", "news");
        String forged = sealed.substring(0, 20) + (sealed.charAt(20) == 'x' ? 'y' : 'x') + sealed.substring(21);
        mailbox.deliver(mail("<m-2@client.example.org>", "unsubscribe:" + forged));
        mailbox.deliver(mail("<m-3@client.example.org>", "please remove me"));
        mailbox.deliver(mail("<m-4@client.example.org>", "unsubscribe:" + seal("reader@example.org", "news")));

        assertTrue(Await.until(WAIT, () -> !contacts.find("acme", "c-9").orElseThrow().contact().consent()
                .get("news").granted()));
        assertEquals("unsubscribe:mailto:<m-4@client.example.org>",
                contacts.find("acme", "c-9").orElseThrow().contact().consent().get("news").source());
        assertTrue(Await.until(WAIT, () -> inbox() == 2), "the two without a valid token stay, read");
        assertTrue(consumer.bean(SuppressionStore.class).find("acme", "reader@example.org").isEmpty(), "a topic only");
    }

    private String seal(String recipient, String topic) {
        return tokens.seal(new TrackingToken(TrackingToken.Kind.UNSUBSCRIBE, "acme", "e-" + recipient, "campaign.c-1.3",
                recipient, topic, 0, ""));
    }

    private int inbox() {
        try {
            return greenMail.getManagers().getImapHostManager().getInbox(mailbox).getMessageCount();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a mail client sends for a mailto: link: the subject as given, an empty body. */
    private static MimeMessage mail(String messageId, String subject) throws Exception {
        String raw = """
                From: Reader <reader@example.org>
                To: unsubscribe@postdate.local
                Subject: %s
                Message-ID: %s
                Date: Sun, 6 Dec 2026 10:00:00 +0000

                """.formatted(subject, messageId).replace("\n", "\r\n");
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
    }
}
