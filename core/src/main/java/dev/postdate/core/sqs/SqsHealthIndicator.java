package dev.postdate.core.sqs;

import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * UP when both of Postdate's queues can be resolved: a component that cannot reach SQS must say so.
 * Only in components that configure SQS: the janitor uses none, and its /health stays DOWN otherwise.
 */
@Singleton
@Requires(property = "postdate.sqs.region")
public class SqsHealthIndicator extends AbstractHealthIndicator<Map<String, String>> {

    private final QueueUrls queueUrls;
    private final SqsSettings settings;

    public SqsHealthIndicator(QueueUrls queueUrls, SqsSettings settings) {
        this.queueUrls = queueUrls;
        this.settings = settings;
    }

    @Override
    protected Map<String, String> getHealthInformation() {
        try {
            Map<String, String> details = Map.of(
                    "intake", queueUrls.urlOf(settings.intakeQueue()),
                    "ranges", queueUrls.urlOf(settings.rangesQueue()));
            healthStatus = HealthStatus.UP;
            return details;
        } catch (RuntimeException e) {
            healthStatus = HealthStatus.DOWN;
            return Map.of("error", String.valueOf(e.getMessage()));
        }
    }

    @Override
    protected String getName() {
        return "sqs";
    }
}
