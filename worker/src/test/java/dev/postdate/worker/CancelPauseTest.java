package dev.postdate.worker;

import dev.postdate.clickhouse.Mutations;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.state.SendGuardState;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cancel (one email, a whole batch) and pause work up to send time. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancelPauseTest {

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
    void cancelledEmailsAndBatchesAreSkippedAndPausedBatchesWaitForResume() throws Exception {
        String tenant = "t" + fixture.token;
        List<WorkerFixture.Stored> loose = fixture.insert(tenant, "", 3);
        List<WorkerFixture.Stored> cancelledBatch = fixture.insert(tenant, "gone", 3);
        List<WorkerFixture.Stored> pausedBatch = fixture.insert(tenant, "later", 3);
        List<WorkerFixture.Stored> all = new ArrayList<>(loose);
        all.addAll(cancelledBatch);
        all.addAll(pausedBatch);
        Instant expireAt = Instant.now().plus(Duration.ofHours(1));
        fixture.guard.cancel(tenant, loose.getFirst().id(), expireAt);
        fixture.batches.cancel(tenant, "gone", Duration.ofHours(1));
        fixture.batches.pause(tenant, "later", Duration.ofHours(1));

        ApplicationContext worker = fixture.startWorker("w1", Map.of("postdate.worker.sender", "blackhole"));
        RecordingSenders recorder = WorkerFixture.recorder(worker);
        fixture.publish(WorkerFixture.rangeOf("t1-d0", all, all.size()));

        assertTrue(WorkerFixture.await(Duration.ofSeconds(20), () -> recorder.calls.size() == 2
                && cancelledBatch.stream().allMatch(e -> fixture.state(e) == EmailStatus.CANCELLED)));
        assertEquals(EmailStatus.CANCELLED, fixture.state(loose.getFirst()));
        assertFalse(recorder.sentIds().contains(loose.getFirst().id()));
        // The paused batch waits: the range is re-queued a few times, nothing of it goes out.
        io.micrometer.core.instrument.MeterRegistry registry = worker.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        assertTrue(WorkerFixture.await(Duration.ofSeconds(20), () ->
                registry.counter("postdate.worker.ranges", "result", "retried").count() >= 2));
        assertEquals(2, recorder.calls.size(), "paused emails wait");
        pausedBatch.forEach(e -> assertFalse(recorder.sentIds().contains(e.id())));

        fixture.batches.resume(tenant, "later");
        assertTrue(WorkerFixture.await(Duration.ofSeconds(20), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
        assertEquals(5, recorder.calls.size());
        assertEquals(5, new HashSet<>(recorder.sentIds()).size(), "nothing sent twice across passes");
        pausedBatch.forEach(e -> assertEquals(EmailStatus.SENT, fixture.state(e)));
        assertEquals(EmailStatus.SENT, fixture.state(loose.get(1)));
    }

    @Test
    void anEmailWhosePayloadWasErasedIsCancelledNotSentOrFailed() throws Exception {
        fixture.env.assumeMutationsFinish();
        String tenant = "e" + fixture.token;
        List<WorkerFixture.Stored> emails = fixture.insert(tenant, "", 2);
        WorkerFixture.Stored erased = emails.getFirst();
        // What DELETE /v1/recipients leaves behind (the api cancels in the guard first; this checks the worker alone).
        fixture.sql.execute("ALTER TABLE " + fixture.sql.table("emails") + " UPDATE payload = '' WHERE id = "
                + SqlLiteral.string(erased.id()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(20), () -> Mutations.pending(fixture.sql, "emails") == 0));

        // Stopped at the end: the other test counts the range retries of its own worker.
        try {
            ApplicationContext worker = fixture.startWorker("w-erased", Map.of("postdate.worker.sender", "blackhole"));
            RecordingSenders recorder = WorkerFixture.recorder(worker);
            fixture.publish(WorkerFixture.rangeOf("t1-erased", emails, emails.size()));

            assertTrue(WorkerFixture.await(Duration.ofSeconds(20), () -> fixture.state(erased) == EmailStatus.CANCELLED
                    && fixture.state(emails.get(1)) == EmailStatus.SENT));
            assertEquals(List.of(emails.get(1).id()), recorder.sentIds());
            assertEquals(SendGuardState.Kind.CANCELLED, fixture.guard.current(tenant, erased.id()).kind());
        } finally {
            fixture.closeWorkers();
        }
    }
}
