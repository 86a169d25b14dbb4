package dev.postdate.worker;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three workers share one fleet-wide rate: never more than the limit in any second. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitTest {

    private static final int PER_SECOND = 6;

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
    void threeWorkersNeverExceedTheSharedLimit() throws Exception {
        List<ApplicationContext> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // The recorded time is taken after the permit check, by a thread a loaded 2-core CI machine may
            // deschedule for tens of ms: a margin above that keeps the check about the limiter, not the scheduler.
            workers.add(fixture.startWorker("w" + i, Map.of("postdate.worker.sender", "blackhole",
                    "postdate.worker.rate-limit.per-second", PER_SECOND, "postdate.worker.concurrency", 1,
                    "postdate.worker.rate-limit.window-margin", "250ms")));
        }
        int total = 0;
        for (int r = 0; r < 3; r++) {
            List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 12);
            fixture.publish(WorkerFixture.rangeOf("t1-d" + r, emails, emails.size()));
            total += emails.size();
        }
        int expected = total;
        assertTrue(WorkerFixture.await(Duration.ofSeconds(40), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));

        List<RecordingSenders.Call> calls = new ArrayList<>();
        workers.forEach(w -> calls.addAll(WorkerFixture.recorder(w).calls));
        assertEquals(expected, calls.size());
        assertEquals(expected, new HashSet<>(calls.stream().map(RecordingSenders.Call::emailId).toList()).size());
        assertTrue(workers.stream().filter(w -> !WorkerFixture.recorder(w).calls.isEmpty()).count() >= 2,
                "several workers sent");
        // Any clock second, and any sliding one-second window, holds at most the limit.
        TreeMap<Long, Integer> perSecond = new TreeMap<>();
        calls.forEach(c -> perSecond.merge(c.atMillis() / 1000, 1, Integer::sum));
        perSecond.forEach((second, count) -> assertTrue(count <= PER_SECOND, second + ": " + count + " " + perSecond));
        List<Long> times = calls.stream().map(RecordingSenders.Call::atMillis).sorted().toList();
        for (int i = PER_SECOND; i < times.size(); i++) {
            assertTrue(times.get(i) - times.get(i - PER_SECOND) >= 1000,
                    "more than " + PER_SECOND + " sends within one second at " + times.get(i) + ": " + times);
        }
        double waits = workers.stream().mapToDouble(w -> WorkerFixture.metrics(w).rateLimitWaitCount()).sum();
        assertTrue(waits > 0, "workers waited for permits");
    }
}
