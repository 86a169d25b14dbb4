package dev.postdate.tracker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/** The tracker's meters: requests by kind and outcome, and events put on (or kept off) the queue. */
@Singleton
public class TrackerMetrics {

    private final MeterRegistry registry;
    private final Counter published;
    private final Counter publishFailed;
    private final Counter refused;

    public TrackerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.published = Counter.builder("postdate.tracker.events.published")
                .description("Tracking events acknowledged by SQS").register(registry);
        this.publishFailed = Counter.builder("postdate.tracker.events.failed")
                .description("Tracking events SQS did not take; their requests were answered 503").register(registry);
        this.refused = Counter.builder("postdate.tracker.events.refused")
                .description("Tracking events refused because too many waited for SQS (503)").register(registry);
    }

    /** {@code kind}: click, open, unsubscribe_page, unsubscribe, sns; {@code outcome}: ok, head (answered, not counted), invalid_token, unavailable, and for sns what the message was (notification, forged, ...). */
    public void request(String kind, String outcome) {
        registry.counter("postdate.tracker.requests", "kind", kind, "outcome", outcome).increment();
    }

    void published(int events) {
        published.increment(events);
    }

    void publishFailed(int events) {
        publishFailed.increment(events);
    }

    void refused() {
        refused.increment();
    }
}
