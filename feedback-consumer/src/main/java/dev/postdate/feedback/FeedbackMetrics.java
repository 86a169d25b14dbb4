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

    /** One message of the tracking queue: handled, malformed or failed. */
    void trackingMessage(String outcome) {
        registry.counter("postdate.feedback.tracking.messages", "outcome", outcome).increment();
    }

    /** An unsubscribe that changed something: {@code topic} (consent withdrawn) or {@code all} (suppressed). */
    void unsubscribed(String scope) {
        registry.counter("postdate.feedback.unsubscribes", "scope", scope).increment();
    }

    /** One message of the bounce mailbox: handled, not_dsn, unmatched, given_up; failed: a read of the mailbox. */
    void dsn(String outcome) {
        registry.counter("postdate.feedback.dsn.messages", "outcome", outcome).increment();
    }

    /** One message of the unsubscribe mailbox: handled, no_token (left read); failed: a read of the mailbox or a mail not recorded. */
    void unsubscribeMail(String outcome) {
        registry.counter("postdate.feedback.unsubscribe.mails", "outcome", outcome).increment();
    }

    void events(String type, int count) {
        registry.counter("postdate.feedback.events", "type", type).increment(count);
    }

    void suppressed(String reason) {
        registry.counter("postdate.feedback.suppressions", "reason", reason).increment();
    }
}
