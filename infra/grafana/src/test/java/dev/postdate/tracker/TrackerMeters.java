package dev.postdate.tracker;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Registers the tracker's meters for the dashboard check ({@code dev.postdate.deploy.grafana}):
 * {@link TrackerMetrics} registers its request counter on first use only, with the tags of that use
 * (which ones does not matter to the metric names), through a package-private method.
 */
public final class TrackerMeters {

    private TrackerMeters() {
    }

    public static void register(MeterRegistry registry) {
        new TrackerMetrics(registry).request("click", "ok");
    }
}
