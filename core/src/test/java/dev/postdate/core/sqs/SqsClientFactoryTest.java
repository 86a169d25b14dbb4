package dev.postdate.core.sqs;

import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import io.micronaut.management.health.indicator.HealthResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SqsClientFactoryTest {

    private static TestEnvironment env;
    private static ApplicationContext context;

    @BeforeAll
    static void start() {
        env = TestEnvironment.create(SqsClientFactoryTest.class);
        context = ApplicationContext.run(withHealthQueues(env.intakeQueue() + "," + env.rangesQueue()));
    }

    @AfterAll
    static void stop() throws Exception {
        context.close();
        env.close();
    }

    @Test
    void configuredClientSendsAndReceivesOnTheConfiguredQueue() {
        SqsAsyncClient sqs = context.getBean(SqsAsyncClient.class);
        String url = context.getBean(QueueUrls.class).urlOf(env.intakeQueue());

        sqs.sendMessage(r -> r.queueUrl(url).messageBody("hello")).join();
        List<Message> received = sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(5)).join().messages();

        assertEquals(1, received.size());
        assertEquals("hello", received.getFirst().body());
    }

    @Test
    void healthIsUpWhenItsQueuesExistAndDownWhenOneIsMissing() {
        assertEquals("UP", statusOf(context));

        try (ApplicationContext broken = ApplicationContext.run(
                withHealthQueues(env.intakeQueue() + ",no-such-queue-" + System.nanoTime()))) {
            assertEquals("DOWN", statusOf(broken));
        }
    }

    @Test
    void aComponentNamingNoQueuesHasNoSqsHealth() {
        try (ApplicationContext janitorLike = ApplicationContext.run(env.properties())) {
            assertFalse(janitorLike.containsBean(SqsHealthIndicator.class));
        }
    }

    private static Map<String, Object> withHealthQueues(String queues) {
        Map<String, Object> properties = new HashMap<>(env.properties());
        properties.put("postdate.sqs.health-queues", queues);
        return properties;
    }

    private static String statusOf(ApplicationContext context) {
        HealthResult result = Mono.from(context.getBean(SqsHealthIndicator.class).getResult()).block();
        assertEquals("sqs", result.getName());
        return result.getStatus().getName();
    }
}
