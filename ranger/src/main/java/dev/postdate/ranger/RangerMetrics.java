package dev.postdate.ranger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** What an operator watches on the ranger: lag, backlog, throughput, tick cost, leadership. */
@Singleton
public class RangerMetrics {

    private final Clock clock;
    private final AtomicLong oldestUnrangedSendAt = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong leader = new AtomicLong();
    private final Counter ranges;
    private final Counter emails;
    private final Counter repeatedTicks;
    private final Counter failedTicks;
    private final Timer tickDuration;

    public RangerMetrics(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        registry.gauge("postdate.ranger.range.lag.seconds", this, RangerMetrics::rangeLagSeconds);
        registry.gauge("postdate.ranger.ready.backlog", backlog);
        registry.gauge("postdate.ranger.leader", leader);
        this.ranges = registry.counter("postdate.ranger.ranges.emitted");
        this.emails = registry.counter("postdate.ranger.emails.ranged");
        this.repeatedTicks = registry.counter("postdate.ranger.ticks.repeated");
        this.failedTicks = registry.counter("postdate.ranger.ticks.failed");
        this.tickDuration = Timer.builder("postdate.ranger.tick.duration").publishPercentileHistogram()
                .register(registry);
    }

    /**
     * Now minus the due time of the oldest ready email that was not in a range at the start of the
     * last tick; 0 when there was none.
     */
    public double rangeLagSeconds() {
        long oldest = oldestUnrangedSendAt.get();
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, clock.instant().getEpochSecond() - oldest);
    }

    void recordTick(RangerTick.Outcome outcome, Duration took) {
        tickDuration.record(took);
        oldestUnrangedSendAt.set(outcome.oldestSendAt());
        backlog.set(outcome.emails());
        ranges.increment(outcome.ranges());
        emails.increment(outcome.emails());
        if (outcome.resumed()) {
            repeatedTicks.increment();
        }
    }

    void recordFailure() {
        failedTicks.increment();
    }

    void leading(boolean isLeader) {
        leader.set(isLeader ? 1 : 0);
    }
}
