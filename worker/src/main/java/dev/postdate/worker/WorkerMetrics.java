package dev.postdate.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** What an operator watches on a worker (Prometheus names in docs/worker.md). */
@Singleton
public class WorkerMetrics {

    private final Counter sent;
    private final Counter failed;
    private final Counter cancelled;
    private final Counter suppressed;
    private final Counter expired;
    private final Counter alreadySent;
    private final Counter inDoubt;
    private final Counter resent;
    private final Counter claimsTakenOver;
    private final Counter rateLimitWaits;
    private final Counter throttled;
    private final Counter rangesCompleted;
    private final Counter rangesDropped;
    private final Counter rangesRetried;
    private final Counter rangesFailed;
    private final Timer sendLatency;
    private final DistributionSummary lateness;
    private final AtomicInteger inProgress = new AtomicInteger();
    /** Emails marked sending whose sent mark is not in Redis yet: what a kill now would leave in doubt. */
    private final AtomicInteger providerCallsInFlight = new AtomicInteger();
    /**
     * Emails whose send mark is stored and whose outcome (or release) is not yet in ClickHouse: what a
     * kill followed by the loss of Redis's data would leave in doubt.
     */
    private final AtomicInteger unrecordedSends = new AtomicInteger();
    private final Timer sendMarkInserts;
    private final Counter sendMarks;

    public WorkerMetrics(MeterRegistry registry, WorkerSettings settings) {
        this.sent = registry.counter("postdate.worker.emails.sent");
        this.failed = registry.counter("postdate.worker.emails.failed");
        this.cancelled = registry.counter("postdate.worker.emails.skipped", "reason", "cancelled");
        this.suppressed = registry.counter("postdate.worker.emails.skipped", "reason", "suppressed");
        this.expired = registry.counter("postdate.worker.emails.skipped", "reason", "expired");
        this.alreadySent = registry.counter("postdate.worker.emails.skipped", "reason", "already_sent");
        this.inDoubt = registry.counter("postdate.worker.emails.in_doubt");
        this.resent = registry.counter("postdate.worker.emails.resent_in_doubt");
        this.claimsTakenOver = registry.counter("postdate.worker.claims.taken_over");
        this.rateLimitWaits = registry.counter("postdate.worker.rate_limit.waits");
        this.throttled = registry.counter("postdate.worker.provider.throttled");
        this.rangesCompleted = registry.counter("postdate.worker.ranges", "result", "completed");
        this.rangesDropped = registry.counter("postdate.worker.ranges", "result", "duplicate");
        this.rangesRetried = registry.counter("postdate.worker.ranges", "result", "retried");
        this.rangesFailed = registry.counter("postdate.worker.ranges", "result", "failed");
        this.sendLatency = Timer.builder("postdate.worker.send.latency").publishPercentiles(0.5, 0.99)
                .register(registry);
        this.lateness = DistributionSummary.builder("postdate.worker.lateness.seconds").baseUnit("seconds")
                .publishPercentiles(0.5, 0.99).register(registry);
        registry.gauge("postdate.worker.ranges.in_progress", inProgress);
        registry.gauge("postdate.worker.provider.calls.in_flight", providerCallsInFlight);
        // The most calls the process makes at once: against it, calls in flight tell whether the provider sets the pace.
        int capacity = settings.concurrency() * settings.sendParallelism();
        Gauge.builder("postdate.worker.provider.calls.capacity", () -> capacity).register(registry);
        registry.gauge("postdate.worker.sends.unrecorded", unrecordedSends);
        this.sendMarkInserts = Timer.builder("postdate.worker.send_marks.inserts").publishPercentiles(0.5, 0.99)
                .register(registry);
        this.sendMarks = registry.counter("postdate.worker.send_marks.stored");
    }

    void sendMarksStored(int count, long nanos) {
        sendMarks.increment(count);
        sendMarkInserts.record(nanos, TimeUnit.NANOSECONDS);
    }

    void unrecordedSendAdded() {
        unrecordedSends.incrementAndGet();
    }

    void unrecordedSendSettled() {
        unrecordedSends.decrementAndGet();
    }

    void unrecordedSendsSettled(int count) {
        unrecordedSends.addAndGet(-count);
    }

    void providerCallStarted() {
        providerCallsInFlight.incrementAndGet();
    }

    void providerCallEnded() {
        providerCallsInFlight.decrementAndGet();
    }

    void sent(Duration latency, long latenessSeconds) {
        sent.increment();
        sendLatency.record(latency);
        lateness.record(Math.max(0, latenessSeconds));
    }

    void failed() {
        failed.increment();
    }

    void cancelled() {
        cancelled.increment();
    }

    void suppressed() {
        suppressed.increment();
    }

    void expired() {
        expired.increment();
    }

    void alreadySent() {
        alreadySent.increment();
    }

    void inDoubt() {
        inDoubt.increment();
    }

    void resent() {
        resent.increment();
    }

    void claimTakenOver() {
        claimsTakenOver.increment();
    }

    public double claimsTakenOverCount() {
        return claimsTakenOver.count();
    }

    public void rateLimitWait() {
        rateLimitWaits.increment();
    }

    public void throttled() {
        throttled.increment();
    }

    void rangeStarted() {
        inProgress.incrementAndGet();
    }

    void rangeEnded() {
        inProgress.decrementAndGet();
    }

    void rangeCompleted() {
        rangesCompleted.increment();
    }

    void rangeDropped() {
        rangesDropped.increment();
    }

    void rangeRetried() {
        rangesRetried.increment();
    }

    void rangeFailed() {
        rangesFailed.increment();
    }

    public double sentCount() {
        return sent.count();
    }

    public double inDoubtCount() {
        return inDoubt.count();
    }

    public double rateLimitWaitCount() {
        return rateLimitWaits.count();
    }
}
