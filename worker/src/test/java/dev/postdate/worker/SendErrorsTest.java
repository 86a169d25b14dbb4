package dev.postdate.worker;

import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.core.state.EmailStatus;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Permanent errors fail at once with the provider's reason; unreachable providers fail after retries. */
class SendErrorsTest {

    private WorkerFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new WorkerFixture(getClass());
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void rejectedAndUnrenderableEmailsFailAloneWithTheReason() throws Exception {
        // Email 0: empty subject (SES answers 400); email 1: a template that does not exist.
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 4, i -> i == 0 ? "" : i == 1 ? "TEMPLATE" : null);
        ApplicationContext worker = fixture.startWorker("w1", Map.of("postdate.worker.sender", "ses"));
        fixture.publish(WorkerFixture.rangeOf("t1-d0", emails, emails.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));

        EmailEvent rejected = failure(emails.get(0));
        assertTrue(rejected.detail().startsWith("400"), rejected.detail());
        assertEquals(1, WorkerFixture.recorder(worker).calls.stream()
                .filter(c -> c.emailId().equals(emails.get(0).id())).count(), "a permanent error is not retried");
        EmailEvent unrenderable = failure(emails.get(1));
        // The literal stand-in or the Pebble renderer, whichever is the bean: both name the template.
        assertTrue(unrenderable.detail().contains("missing") && unrenderable.detail().contains("not exist"),
                unrenderable.detail());
        assertEquals(EmailStatus.SENT, fixture.state(emails.get(2)));
        assertEquals(EmailStatus.SENT, fixture.state(emails.get(3)));
        assertEquals(2, fixture.sesEmails().size());
    }

    @Test
    void unreachableProviderIsRetriedThenFailed() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 2);
        ApplicationContext worker = fixture.startWorker("w1", Map.of("postdate.worker.sender", "ses",
                "postdate.ses.endpoint", "http://127.0.0.1:" + closedPort, "postdate.worker.max-attempts", 3));
        fixture.publish(WorkerFixture.rangeOf("t1-d0", emails, emails.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
        for (WorkerFixture.Stored email : emails) {
            EmailEvent failed = failure(email);
            assertTrue(failed.detail().startsWith("gave up after 3 attempts: cannot connect"), failed.detail());
            assertEquals(3, WorkerFixture.recorder(worker).calls.stream().filter(c -> c.emailId().equals(email.id())).count());
        }
    }

    private EmailEvent failure(WorkerFixture.Stored email) {
        assertEquals(EmailStatus.FAILED, fixture.state(email), email.id());
        return fixture.events(email).stream().filter(e -> e.state() == EmailStatus.FAILED).findFirst().orElseThrow();
    }
}
