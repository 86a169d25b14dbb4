package dev.postdate.feedback;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Registers the feedback consumer's meters for the dashboard check ({@code dev.postdate.deploy.grafana}):
 * {@link FeedbackMetrics} is package-private, and registers its counters on first use only, with the
 * tags of that use (which ones does not matter to the metric names).
 */
public final class FeedbackMeters {

    private FeedbackMeters() {
    }

    public static void register(MeterRegistry registry) {
        FeedbackMetrics metrics = new FeedbackMetrics(registry);
        metrics.notification("handled");
        metrics.events("bounced", 1);
        metrics.suppressed("hard_bounce");
        metrics.trackingMessage("handled");
        metrics.unsubscribed("all");
        metrics.dsn("handled");
        metrics.unsubscribeMail("handled");
    }
}
