package dev.postdate.expander;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

/** What an operator watches on the expander: emails published, occurrences done or skipped, failures, pace. */
@Singleton
public class ExpanderMetrics {

    private final Counter emails;
    private final Counter passedSkipped;
    private final Counter oversized;
    private final Counter expanded;
    private final Counter skipped;
    private final Counter failures;
    private final Timer chunk;

    public ExpanderMetrics(MeterRegistry registry) {
        this.emails = registry.counter("postdate.expander.emails.published");
        this.passedSkipped = registry.counter("postdate.expander.recipients.passed.skipped");
        this.oversized = registry.counter("postdate.expander.recipients.oversized");
        this.expanded = registry.counter("postdate.expander.occurrences.expanded");
        this.skipped = registry.counter("postdate.expander.occurrences.skipped");
        this.failures = registry.counter("postdate.expander.failures");
        this.chunk = Timer.builder("postdate.expander.chunk.duration").publishPercentileHistogram().register(registry);
    }

    void published(int count, int passed) {
        emails.increment(count);
        passedSkipped.increment(passed);
    }

    void oversized(int count) {
        oversized.increment(count);
    }

    void expanded() {
        expanded.increment();
    }

    void skipped() {
        skipped.increment();
    }

    void failed() {
        failures.increment();
    }

    Timer chunk() {
        return chunk;
    }
}
