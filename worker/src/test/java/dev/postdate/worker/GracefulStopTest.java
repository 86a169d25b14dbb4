package dev.postdate.worker;

import dev.postdate.core.state.EmailStatus;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM mid-range: the sends in flight finish within the grace, no new email starts, the range is
 * visible again at once (not after its visibility timeout), and the next worker sends only the rest.
 */
class GracefulStopTest {

    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Duration SLACK = Duration.ofSeconds(10);

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
    void sendsInFlightFinishAndTheRangeIsHandedBackAtOnce() throws Exception {
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 40);
        // A long visibility timeout: the range can only be visible again right after the stop if it was handed back.
        // Long polls that outlast the sends: the idle slots' polls are still open when the range is given back.
        ApplicationContext first = fixture.startWorker("w-first", Map.of("postdate.worker.sender", "blackhole",
                "postdate.worker.send-parallelism", 4, "postdate.worker.stop-grace", GRACE.toMillis() + "ms",
                "postdate.worker.visibility-timeout", "60s", "postdate.worker.visibility-heartbeat", "20s",
                "postdate.worker.receive-wait", "4s"));
        RecordingSenders firstRecorder = WorkerFixture.recorder(first);
        // 10 sends go through, then four are held mid-call.
        firstRecorder.gate.drainPermits();
        firstRecorder.gate.release(10);
        fixture.publish(WorkerFixture.rangeOf("t1-d0", emails, emails.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> firstRecorder.calls.size() == 10
                && firstRecorder.gate.getQueueLength() == 4), "four sends held mid-call");

        long started = System.nanoTime();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(first::close); // what SIGTERM runs
        // The held sends answer while the worker is stopping (a provider that is slow, not dead).
        Thread.sleep(1000);
        firstRecorder.gate.release(4);
        stopping.get(GRACE.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(GRACE.plus(SLACK)) < 0, "stopped in " + took);
        assertEquals(1, visibleRanges(), "the range is visible again at once");
        // Idle slots' polls were still open: had they picked up the handed-back range, each would count
        // towards the queue's maximum receives and a few deployments would dead-letter a healthy range.
        assertEquals(List.of(1), fixture.env.receiveCountsSoFar(fixture.env.rangesQueue(), 1),
                "received once, by the stopped worker");

        List<String> firstSent = List.copyOf(firstRecorder.sentIds());
        assertEquals(14, firstSent.size(), "the held sends finished and no new email started");
        ApplicationContext second = fixture.startWorker("w-second", Map.of("postdate.worker.sender", "blackhole"));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
        Set<String> all = new HashSet<>(firstSent);
        for (String id : WorkerFixture.recorder(second).sentIds()) {
            assertTrue(all.add(id), "sent twice: " + id);
        }
        assertEquals(40, all.size());
        for (WorkerFixture.Stored email : emails) {
            assertEquals(EmailStatus.SENT, fixture.state(email), email.id());
        }
    }

    private int visibleRanges() {
        String url = fixture.env.sqs().getQueueUrl(r -> r.queueName(fixture.env.rangesQueue())).queueUrl();
        return Integer.parseInt(fixture.env.sqs().getQueueAttributes(r -> r.queueUrl(url)
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings()
                .get("ApproximateNumberOfMessages"));
    }
}
