package dev.postdate.feedback;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.postdate.clickhouse.feedback.FeedbackEvent;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import dev.postdate.core.testing.Await;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SMTP bounces: DSNs (RFC 3464) as receiving servers send them, in a real IMAP mailbox (GreenMail),
 * read by the feedback consumer and recorded in the real ClickHouse like SES's bounces. A DSN leaves
 * the mailbox only once recorded; other mail is left read.
 */
class DsnMailboxTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP_IMAP)
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());

    private static final Duration WAIT = RunningConsumer.WAIT;

    private RunningConsumer consumer;
    private GreenMailUser bounces;

    @BeforeEach
    void start() throws InterruptedException {
        bounces = greenMail.setUser("bounces@postdate.local", "bounces", "secret");
        consumer = RunningConsumer.start(getClass(), Map.of(
                "postdate.feedback.dsn.mailbox", "imap://bounces:secret@127.0.0.1:" + greenMail.getImap().getPort() + "/INBOX",
                "postdate.feedback.dsn.poll-interval", "500ms"));
    }

    @AfterEach
    void stop() throws Exception {
        if (consumer != null) {
            consumer.close();
        }
    }

    @Test
    void aPermanentFailureSuppressesItsRecipientAndLeavesTheMailbox() throws Exception {
        consumer.sent("acme", "e-dsn", "<a1b2@postdate.local>");
        deliver(DsnSamples.dsn("dsn-1", "Gone@Example.org", "failed", "5.1.1", "smtp; 550 5.1.1 <gone@example.org>: user unknown",
                "<a1b2@postdate.local>"));
        deliver(DsnSamples.dsn("dsn-1", "Gone@Example.org", "failed", "5.1.1", "smtp; 550 5.1.1 user unknown", "<a1b2@postdate.local>"));

        SuppressionStore suppressions = consumer.bean(SuppressionStore.class);
        assertTrue(Await.until(WAIT, () -> suppressions.find("acme", "gone@example.org").isPresent()));
        Suppression suppressed = suppressions.find("acme", "gone@example.org").orElseThrow();
        assertEquals(SuppressionPolicy.HARD_BOUNCE, suppressed.reason());
        assertTrue(suppressed.source().startsWith("dsn:<dsn-1@mx.example.org>"), suppressed.source());
        assertNull(suppressed.expires());
        assertTrue(Await.until(WAIT, () -> inbox() == 0), "both copies deleted once recorded");
        List<FeedbackEvent> events = consumer.bean(FeedbackEventStore.class).ofEmail("acme", "e-dsn");
        assertEquals(1, events.size(), "the DSN delivered twice is one event: " + events);
        assertEquals("permanent", events.getFirst().subtype());
        assertTrue(events.getFirst().detail().contains("user unknown"), events.getFirst().detail());
    }

    @Test
    void aTransientFailureIsASoftBounceAndOtherMailIsLeftRead() throws Exception {
        consumer.sent("acme", "e-soft", "<s1@postdate.local>");
        deliver(DsnSamples.dsn("dsn-2", "full@example.org", "failed", "4.2.2", "smtp; 452 4.2.2 mailbox full", "<s1@postdate.local>"));
        deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(("""
                From: someone@example.org
                To: bounces@postdate.local
                Subject: out of office
                Message-ID: <ooo-1@example.org>

                I am away.
                """).getBytes(StandardCharsets.US_ASCII))));

        FeedbackEventStore events = consumer.bean(FeedbackEventStore.class);
        assertTrue(Await.until(WAIT, () -> events.ofEmail("acme", "e-soft").size() == 1));
        assertEquals("transient", events.ofEmail("acme", "e-soft").getFirst().subtype());
        assertTrue(consumer.bean(SuppressionStore.class).find("acme", "full@example.org").isEmpty(), "one soft bounce");
        assertTrue(Await.until(WAIT, () -> inbox() == 1), "the out-of-office reply stays, read");
    }

    private void deliver(MimeMessage message) {
        bounces.deliver(message);
    }

    private int inbox() {
        try {
            return greenMail.getManagers().getImapHostManager().getInbox(bounces).getMessageCount();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
