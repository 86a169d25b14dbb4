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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A range read short (a lagging replica) sends nothing until every row is there, then each once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShortReadTest {

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
    void waitsForMissingRowsThenSendsEachOnce() throws Exception {
        List<WorkerFixture.Stored> present = fixture.insert("acme", "", 6);
        // The range was cut over 8 emails; 2 are not visible on this replica yet (higher seqs).
        ApplicationContext worker = fixture.startWorker("w1", Map.of("postdate.worker.sender", "blackhole"));
        RecordingSenders recorder = WorkerFixture.recorder(worker);
        List<WorkerFixture.Stored> all = new ArrayList<>(present);
        long lastSeq = present.getLast().seq();
        var range = WorkerFixture.rangeOf("t1-d0", present, 8);
        range = new dev.postdate.core.range.RangeMessage(range.rangeId(), 1, new dev.postdate.core.range.RangeBounds(
                range.bounds().sendAtAfter(), range.bounds().sendAtUpTo() + 5, range.bounds().seqAfter(), lastSeq + 2,
                null, null), 8, 1);
        fixture.publish(range);
        WorkerMetrics metrics = WorkerFixture.metrics(worker);
        io.micrometer.core.instrument.MeterRegistry registry = worker.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        assertTrue(WorkerFixture.await(Duration.ofSeconds(20), () ->
                registry.counter("postdate.worker.ranges", "result", "retried").count() >= 2), "retried at least twice");
        assertTrue(recorder.calls.isEmpty(), "nothing of a short range is sent");

        all.addAll(fixture.insert("acme", "", 2));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(20), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
        assertEquals(8, recorder.calls.size());
        assertEquals(8, new HashSet<>(recorder.sentIds()).size());
        assertEquals(8.0, metrics.sentCount());
        assertFalse(recorder.sentIds().isEmpty());
    }
}
