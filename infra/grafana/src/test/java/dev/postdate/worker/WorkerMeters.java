package dev.postdate.worker;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Registers the worker's meters for the dashboard check ({@code dev.postdate.deploy.grafana}). It lives
 * in the worker's package because the blackhole sender's counter is registered only by
 * {@link WorkerFactory}'s package-private factory method.
 */
public final class WorkerMeters {

    private WorkerMeters() {
    }

    /** @param settings with {@code sender=blackhole}, the only sender that registers a meter of its own */
    public static void register(MeterRegistry registry, WorkerSettings settings) {
        new WorkerMetrics(registry, settings);
        // The SES and SMTP settings are read only for those senders.
        new WorkerFactory().senderHolder(settings, null, null, registry);
    }
}
