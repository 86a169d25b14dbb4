package dev.postdate.core.sqs.dlq;

import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.TestEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadLetterGaugeTest {

    @Test
    void theGaugeFollowsTheMessagesInTheConfiguredDeadLetterQueue() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(DeadLetterGaugeTest.class)) {
            Map<String, Object> properties = new HashMap<>(env.properties());
            properties.put("postdate.dlq.gauge-queue", "ranges");
            properties.put("postdate.dlq.gauge-interval", "100ms");
            try (ApplicationContext context = ApplicationContext.run(properties)) {
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                String url = env.sqs().getQueueUrl(r -> r.queueName(env.rangesQueue() + "-dlq")).queueUrl();
                assertTrue(Await.until(Duration.ofSeconds(10), () -> gauge(registry) == 0), "empty at first");
                env.sqs().sendMessage(r -> r.queueUrl(url).messageBody("{}"));
                env.sqs().sendMessage(r -> r.queueUrl(url).messageBody("{}"));
                assertTrue(Await.until(Duration.ofSeconds(10), () -> gauge(registry) == 2), "two dead letters");
            }
        }
    }

    private static double gauge(MeterRegistry registry) {
        return registry.get("postdate.dlq.messages").tag("queue", "ranges").gauge().value();
    }
}
