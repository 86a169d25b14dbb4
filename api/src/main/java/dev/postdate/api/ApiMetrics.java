package dev.postdate.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

/** The api's own meters, beside Micronaut's per-route http.server.requests. */
@Singleton
public class ApiMetrics {

    private final MeterRegistry registry;
    private final Timer sqsSend;

    public ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.sqsSend = Timer.builder("postdate.api.sqs.send")
                .description("Time until SQS acknowledged every intake message of one request")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    public void accepted(int emails) {
        registry.counter("postdate.api.emails.accepted").increment(emails);
    }

    /** @param reason a problem type slug, e.g. validation, unauthorized, idempotency-conflict */
    public void rejected(String reason) {
        registry.counter("postdate.api.requests.rejected", "reason", reason).increment();
    }

    /** @param resolution sent or resend */
    public void inDoubtResolved(String resolution) {
        registry.counter("postdate.api.in_doubt.resolved", "resolution", resolution).increment();
    }

    public Timer sqsSend() {
        return sqsSend;
    }
}
