package dev.postdate.worker;

import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.testing.RestartableServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Permanent errors fail at once with the provider's reason; an unreachable provider delays emails but fails none;
 * throttling is waited out, never counted as a failure.
 */
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
    void aProviderOutageDelaysEmailsAndFailsNone() throws Exception {
        try (RestartableServer ses = fixture.env.services().privateSesEmulator()) {
            List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 3);
            ApplicationContext worker = fixture.startWorker("w1", Map.of("postdate.worker.sender", "ses",
                    "postdate.ses.endpoint", ses.endpoint().toString(),
                    "postdate.worker.unreachable-max-wait", "1s", "postdate.worker.failure-backoff", "1s",
                    "postdate.worker.retry-max-backoff", "200ms"));
            fixture.publish(WorkerFixture.rangeOf("t1-d0", emails, emails.size()));

            // Down: every email is tried again and again, the range goes back to the queue, nothing is failed.
            RecordingSenders recorder = WorkerFixture.recorder(worker);
            assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> emails.stream().allMatch(e ->
                    recorder.calls.stream().filter(c -> c.emailId().equals(e.id())).count() >= 3)));
            for (WorkerFixture.Stored email : emails) {
                assertTrue(fixture.events(email).stream().noneMatch(e -> e.state() == EmailStatus.FAILED
                        || e.state() == EmailStatus.SENT || e.state() == EmailStatus.IN_DOUBT), email.id());
            }

            ses.start();
            assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
            for (WorkerFixture.Stored email : emails) {
                assertEquals(EmailStatus.SENT, fixture.state(email), email.id());
            }
            assertEquals(3, fixture.sesEmails(ses.endpoint()).size());

            // What the emulator accepted survives its crash, as it would at SES.
            ses.kill();
            ses.start();
            assertEquals(3, fixture.sesEmails(ses.endpoint()).size());
        }
    }

    @Test
    void throttledSendsAreRetriedAndEachEmailIsSentOnce() throws Exception {
        int throttled = 5;
        try (RestartableServer ses = fixture.env.services().privateThrottlingSesEmulator(throttled)) {
            ses.start();
            List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 3);
            ApplicationContext worker = fixture.startWorker("w1", Map.of("postdate.worker.sender", "ses",
                    "postdate.ses.endpoint", ses.endpoint().toString(), "postdate.worker.max-attempts", 2,
                    "postdate.worker.retry-initial-backoff", "50ms", "postdate.worker.retry-max-backoff", "200ms"));
            fixture.publish(WorkerFixture.rangeOf("t1-d0", emails, emails.size()));
            assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));

            // More throttled answers than max-attempts allows per email: throttling is not counted as a failure.
            for (WorkerFixture.Stored email : emails) {
                assertEquals(EmailStatus.SENT, fixture.state(email), email.id());
            }
            assertEquals(emails.size() + throttled, WorkerFixture.recorder(worker).calls.size(), "each throttled call was retried");
            assertEquals(throttled, worker.getBean(MeterRegistry.class).counter("postdate.worker.provider.throttled").count());
            List<Map<String, Object>> received = fixture.sesEmails(ses.endpoint());
            assertEquals(emails.size(), received.size(), "each email reached SES once: " + received);
        }
    }

    private EmailEvent failure(WorkerFixture.Stored email) {
        assertEquals(EmailStatus.FAILED, fixture.state(email), email.id());
        return fixture.events(email).stream().filter(e -> e.state() == EmailStatus.FAILED).findFirst().orElseThrow();
    }
}
