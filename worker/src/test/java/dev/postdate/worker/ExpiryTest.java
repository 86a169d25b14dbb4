package dev.postdate.worker;

import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.core.state.EmailStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An email whose expires_at passed before a worker reached it is recorded expired, never sent late. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpiryTest {

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
    void mailPastItsExpiryIsExpiredAndTheRestIsSent() throws Exception {
        String tenant = "t" + fixture.token;
        Instant expired = Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<WorkerFixture.Stored> emails = fixture.insertExpiring(tenant, 3, i -> switch (i) {
            case 0 -> expired;
            case 1 -> Instant.now().plus(Duration.ofHours(1));
            default -> null;
        });
        ApplicationContext worker = fixture.startWorker("w1", Map.of("postdate.worker.sender", "blackhole"));
        fixture.publish(WorkerFixture.rangeOf("t1-d0", emails, emails.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0
                && emails.stream().allMatch(e -> fixture.state(e).isFinal())));

        assertEquals(EmailStatus.EXPIRED, fixture.state(emails.get(0)));
        assertEquals("not sent by " + expired, fixture.events(emails.get(0)).stream()
                .filter(e -> e.state() == EmailStatus.EXPIRED).map(EmailEvent::detail).findFirst().orElseThrow());
        assertEquals(EmailStatus.SENT, fixture.state(emails.get(1)));
        assertEquals(EmailStatus.SENT, fixture.state(emails.get(2)));
        assertEquals(Set.of(emails.get(1).id(), emails.get(2).id()), Set.copyOf(WorkerFixture.recorder(worker).sentIds()));
        assertEquals(1, worker.getBean(MeterRegistry.class)
                .counter("postdate.worker.emails.skipped", "reason", "expired").count());
    }
}
