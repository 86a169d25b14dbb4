package dev.postdate.worker;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.postdate.core.state.EmailStatus;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Through GreenMail SMTP over pooled connections: each email once, personalized. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmtpDeliveryTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());

    private WorkerFixture fixture;

    @BeforeAll
    void setUp() {
        fixture = new WorkerFixture(getClass());
    }

    @AfterAll
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void sendsEachEmailOnceOverSmtp() throws Exception {
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 15);
        fixture.publish(WorkerFixture.rangeOf("t1-d0", emails, emails.size()));
        fixture.startWorker("w1", Map.of(
                "postdate.worker.sender", "smtp",
                "postdate.smtp.host", "127.0.0.1",
                "postdate.smtp.port", greenMail.getSmtp().getPort(),
                "postdate.smtp.pool-size", 3));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertEquals(emails.size(), received.length, "one message per email");
        Set<String> recipients = new HashSet<>();
        for (MimeMessage message : received) {
            String to = message.getAllRecipients()[0].toString();
            String address = to.substring(to.indexOf('<') + 1).replace(">", "");
            assertTrue(recipients.add(address), "a recipient got two: " + address);
            WorkerFixture.Stored email = emails.stream().filter(e -> e.to().equals(address)).findFirst().orElseThrow();
            int i = emails.indexOf(email);
            assertEquals(email.subject(), message.getSubject());
            String body = GreenMailUtil.getBody(message);
            assertTrue(body.contains("Hi reader " + i) && body.contains("<p>Hi reader " + i + "</p>"), body);
            assertEquals("c-" + fixture.token, message.getHeader("X-Campaign")[0]);
            assertTrue(message.getMessageID().endsWith("@postdate.local>"), message.getMessageID());
        }
        for (WorkerFixture.Stored email : emails) {
            assertEquals(EmailStatus.SENT, fixture.state(email));
        }
    }
}
