package dev.postdate.core.sqs;

import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * UP when every queue the component works with can be resolved: a component that cannot reach SQS
 * must say so. Each component names its own queues ({@code postdate.sqs.health-queues}), so that its
 * IAM role needs no grant on queues it never uses; one that names none (the janitor) has no SQS health.
 */
@Singleton
@Requires(property = "postdate.sqs.region")
@Requires(property = SqsHealthIndicator.QUEUES)
public class SqsHealthIndicator extends AbstractHealthIndicator<Map<String, String>> {

    static final String QUEUES = "postdate.sqs.health-queues";

    private final QueueUrls queueUrls;
    private final List<String> queues;

    public SqsHealthIndicator(QueueUrls queueUrls, @Property(name = QUEUES) List<String> queues) {
        this.queueUrls = queueUrls;
        this.queues = List.copyOf(queues);
    }

    @Override
    protected Map<String, String> getHealthInformation() {
        try {
            Map<String, String> details = new LinkedHashMap<>();
            for (String queue : queues) {
                details.put(queue, queueUrls.urlOf(queue));
            }
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
