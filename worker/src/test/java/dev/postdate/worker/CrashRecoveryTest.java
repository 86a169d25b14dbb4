package dev.postdate.worker;

import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.state.SendGuardState;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker that dies between claim and send leaves in-doubt emails that are never sent twice. */
class CrashRecoveryTest {

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
    void aDeadWorkersClaimsAreSentOnceAndItsSendsInFlightAreInDoubt() throws Exception {
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 10);
        // A worker died: three emails claimed (the provider not called yet), three mid-call (marked sending).
        Instant expireAt = Instant.now().plus(Duration.ofHours(1));
        Instant claimedAt = Instant.ofEpochMilli(Instant.now().minus(Duration.ofMinutes(1)).toEpochMilli());
        List<WorkerFixture.Stored> claimed = emails.subList(0, 3);
        List<WorkerFixture.Stored> sending = emails.subList(3, 6);
        for (WorkerFixture.Stored email : emails.subList(0, 6)) {
            assertEquals(SendGuardState.Kind.NONE,
                    fixture.guard.claim(email.tenant(), email.id(), "dead-worker", claimedAt, expireAt).kind());
        }
        for (WorkerFixture.Stored email : sending) {
            fixture.guard.markSendingAsync(email.tenant(), email.id(), "dead-worker", claimedAt, expireAt)
                    .toCompletableFuture().join();
        }
        fixture.publish(WorkerFixture.rangeOf("t1-d0", emails, emails.size()));
        ApplicationContext worker = fixture.startWorker("w2", Map.of("postdate.worker.sender", "blackhole",
                "postdate.worker.claim-timeout", "30s"));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));

        List<String> sent = WorkerFixture.recorder(worker).sentIds();
        assertEquals(7, sent.size());
        assertEquals(7, new HashSet<>(sent).size());
        for (WorkerFixture.Stored email : claimed) {
            assertTrue(sent.contains(email.id()), "a claim that never reached the provider is sent");
            assertEquals(EmailStatus.SENT, fixture.state(email));
        }
        for (WorkerFixture.Stored email : sending) {
            assertFalse(sent.contains(email.id()), "an in-doubt email is not resent under policy skip");
            assertEquals(EmailStatus.IN_DOUBT, fixture.state(email));
        }
        assertEquals(3.0, WorkerFixture.metrics(worker).inDoubtCount());
        assertEquals(3.0, WorkerFixture.metrics(worker).claimsTakenOverCount());
    }

    @Test
    void aFreshClaimOfAnotherWorkerIsLeftToItUntilItIsStale() throws Exception {
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 3);
        Instant expireAt = Instant.now().plus(Duration.ofHours(1));
        WorkerFixture.Stored held = emails.getFirst();
        fixture.guard.claim(held.tenant(), held.id(), "busy-worker", Instant.ofEpochMilli(Instant.now().toEpochMilli()),
                expireAt);
        fixture.publish(WorkerFixture.rangeOf("t1-d1", emails, emails.size()));
        ApplicationContext worker = fixture.startWorker("w3", Map.of("postdate.worker.sender", "blackhole",
                "postdate.worker.claim-timeout", "3s"));
        // Handed back while the claim is fresh, taken over once it is older than claim-timeout.
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
        List<String> sent = WorkerFixture.recorder(worker).sentIds();
        assertEquals(3, sent.size());
        assertEquals(3, new HashSet<>(sent).size());
        assertEquals(1.0, WorkerFixture.metrics(worker).claimsTakenOverCount());
    }

    @Test
    void aTenantWithTheResendPolicyGetsItsStaleInDoubtEmailsSentOnceMore() throws Exception {
        List<WorkerFixture.Stored> acme = fixture.insert("acme", "", 2);
        List<WorkerFixture.Stored> globex = fixture.insert("globex", "", 2);
        List<WorkerFixture.Stored> emails = new ArrayList<>(acme);
        emails.addAll(globex);
        Instant expireAt = Instant.now().plus(Duration.ofDays(1));
        Instant claimedAt = Instant.ofEpochMilli(Instant.now().minus(Duration.ofHours(2)).toEpochMilli());
        for (WorkerFixture.Stored email : List.of(acme.getFirst(), globex.getFirst())) {
            fixture.guard.claim(email.tenant(), email.id(), "dead-worker", claimedAt, expireAt);
            fixture.guard.markSendingAsync(email.tenant(), email.id(), "dead-worker", claimedAt, expireAt)
                    .toCompletableFuture().join();
        }
        fixture.publish(WorkerFixture.rangeOf("t1-policy", emails, emails.size()));
        ApplicationContext worker = fixture.startWorker("w-policy", Map.of("postdate.worker.sender", "blackhole",
                "postdate.worker.in-doubt-policy-tenants.acme", "resend"));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));

        List<String> sent = WorkerFixture.recorder(worker).sentIds();
        assertEquals(3, sent.size());
        assertTrue(sent.contains(acme.getFirst().id()), "acme resends a sending mark older than resend-after");
        assertFalse(sent.contains(globex.getFirst().id()), "globex keeps the default: skip");
        assertEquals(EmailStatus.IN_DOUBT, fixture.state(globex.getFirst()));
        assertEquals(EmailStatus.SENT, fixture.state(acme.getFirst()));
    }

    @Test
    void workerStoppedMidRangeThenRangeRedeliveredSendsNoEmailTwice() throws Exception {
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 40);
        ApplicationContext first = fixture.startWorker("w-first", Map.of("postdate.worker.sender", "blackhole",
                "postdate.worker.send-parallelism", 4, "postdate.worker.stop-grace", "500ms"));
        RecordingSenders firstRecorder = WorkerFixture.recorder(first);
        // Let 10 sends through, then hold the provider calls: four emails are claimed and stuck mid-send.
        firstRecorder.gate.drainPermits();
        firstRecorder.gate.release(10);
        fixture.publish(WorkerFixture.rangeOf("t1-d0", emails, emails.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> firstRecorder.calls.size() == 10
                && firstRecorder.gate.hasQueuedThreads()));
        first.close(); // SIGTERM: stuck sends are interrupted after the grace, the range is handed back
        List<String> firstSent = new ArrayList<>(firstRecorder.sentIds());

        ApplicationContext second = fixture.startWorker("w-second", Map.of("postdate.worker.sender", "blackhole"));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
        List<String> secondSent = WorkerFixture.recorder(second).sentIds();

        Set<String> all = new HashSet<>(firstSent);
        for (String id : secondSent) {
            assertTrue(all.add(id), "sent twice: " + id);
        }
        int inDoubt = 0;
        for (WorkerFixture.Stored email : emails) {
            EmailStatus state = fixture.state(email);
            if (all.contains(email.id())) {
                assertEquals(EmailStatus.SENT, state, email.id());
            } else {
                assertEquals(EmailStatus.IN_DOUBT, state, "neither sent nor in doubt: " + email.id());
                inDoubt++;
            }
        }
        assertTrue(inDoubt >= 1 && inDoubt <= 4, "the interrupted sends are in doubt: " + inDoubt);
        assertEquals(40, all.size() + inDoubt);
    }
}
