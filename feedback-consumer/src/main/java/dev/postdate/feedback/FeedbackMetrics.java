package dev.postdate.feedback;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/** What operators watch of the feedback path (docs/tracking.md). */
@Singleton
class FeedbackMetrics {

    private final MeterRegistry registry;

    FeedbackMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One SQS message: handled, ignored (nothing Postdate uses), unmatched (no such sent email yet), malformed or failed. */
    void notification(String outcome) {
        registry.counter("postdate.feedback.notifications", "outcome", outcome).increment();
    }

    void events(String type, int count) {
        registry.counter("postdate.feedback.events", "type", type).increment(count);
    }

    void suppressed(String reason) {
        registry.counter("postdate.feedback.suppressions", "reason", reason).increment();
    }
}
