package dev.postdate.ingest;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Registers the ingest consumer's meters for the dashboard check ({@code dev.postdate.deploy.grafana}):
 * {@link IngestMetrics} is package-private.
 */
public final class IngestMeters {

    private IngestMeters() {
    }

    public static void register(MeterRegistry registry) {
        // The ledger is read only when the in-flight gauge is scraped, and a ledger that cannot answer
        // reads NaN: no Redis is needed for the gauge to exist.
        new IngestMetrics(registry, null);
    }
}
