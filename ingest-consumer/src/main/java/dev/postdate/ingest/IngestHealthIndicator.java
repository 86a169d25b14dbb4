package dev.postdate.ingest;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * DOWN while batches fail (ClickHouse or Redis away): the messages wait in SQS and the consumer
 * retries by itself; UP again after the next successful batch.
 */
@Singleton
class IngestHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

    private final AtomicInteger failedAttempts = new AtomicInteger();
    private final AtomicReference<String> lastError = new AtomicReference<>("");

    void attemptFailed(Throwable error) {
        failedAttempts.incrementAndGet();
        lastError.set(String.valueOf(error.getMessage()));
    }

    void batchSucceeded() {
        failedAttempts.set(0);
        lastError.set("");
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        int failed = failedAttempts.get();
        healthStatus = failed == 0 ? HealthStatus.UP : HealthStatus.DOWN;
        return failed == 0 ? Map.of() : Map.of("failedAttempts", failed, "lastError", lastError.get());
    }

    @Override
    protected String getName() {
        return "ingest";
    }
}
