package dev.postdate.ingest;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.RestartableServer;
import dev.postdate.core.testing.TestEnvironment;
import dev.postdate.core.testing.TestServices;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.postdate.ingest.IngestTestSupport.await;
import static dev.postdate.ingest.IngestTestSupport.messagesLeft;
import static dev.postdate.ingest.IngestTestSupport.packet;
import static dev.postdate.ingest.IngestTestSupport.readerCounts;
import static dev.postdate.ingest.IngestTestSupport.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM while a batch cannot be stored (Redis is away, so the insert is retried): the consumer stops
 * within its grace and hands every message it holds back to SQS at once, not after the visibility
 * timeout; another consumer stores each email once.
 */
class GracefulStopTest {

    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final Duration SLACK = Duration.ofSeconds(10);
    private static final int PACKETS = 6;

    private RestartableServer redis;
    private TestEnvironment env;
    private final String tenant = "tenant-" + UUID.randomUUID();

    @BeforeEach
    void start() throws Exception {
        redis = TestServices.current().privateRedis();
        redis.start();
        env = TestEnvironment.create(getClass());
    }

    @AfterEach
    void stop() throws Exception {
        env.close();
        redis.close();
    }

    @Test
    void handsHeldMessagesBackAtOnceWhenStoppedDuringAnOutage() throws Exception {
        // A long visibility timeout and a busy heartbeat: the messages can only be visible right after the
        // stop if they were handed back, and a heartbeat racing the hand-back must not hide them again.
        Map<String, Object> properties = new HashMap<>(IngestTestSupport.properties(env, true));
        properties.put("postdate.redis.uri", redis.endpoint().toString());
        properties.put("postdate.redis.command-timeout", "1s");
        properties.put("postdate.ingest.visibility-timeout", "120s");
        properties.put("postdate.ingest.visibility-heartbeat", "200ms");
        properties.put("postdate.ingest.stop-grace", GRACE.toMillis() + "ms");
        EmbeddedServer consumer = ApplicationContext.run(EmbeddedServer.class, properties);
        MeterRegistry registry = consumer.getApplicationContext().getBean(MeterRegistry.class);

        redis.kill();
        List<IntakePacket> packets = new ArrayList<>();
        for (int i = 0; i < PACKETS; i++) {
            packets.add(packet(tenant, 5));
            send(env, consumer.getApplicationContext(), packets.getLast());
        }
        await("every message received and held", () -> hiddenMessages() == PACKETS);
        assertTrue(Await.until(Duration.ofSeconds(30),
                () -> registry.counter("postdate.ingest.insert.failures").count() >= 1), "the batch is being retried");

        long started = System.nanoTime();
        consumer.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(GRACE.plus(SLACK)) < 0, "stopped in " + took);
        assertEquals(PACKETS, visibleMessages(), "every held message is visible again at once");
        // Each receive counts towards the queue's maxReceiveCount: a stop that let its own open polls pick up
        // what it had just handed back would push intact packets towards the dead-letter queue.
        assertEquals(Collections.nCopies(PACKETS, 1), env.receiveCountsSoFar(env.intakeQueue(), PACKETS),
                "received once, by the stopped consumer");

        redis.start();
        try (EmbeddedServer next = ApplicationContext.run(EmbeddedServer.class, properties)) {
            await("the next consumer stored and deleted them", () -> messagesLeft(env, env.intakeQueue()) == 0);
            ClickHouseSql sql = next.getApplicationContext().getBean(ClickHouseSql.class);
            assertEquals(List.of((long) PACKETS * 5, (long) PACKETS * 5), readerCounts(sql, tenant));
        }
    }

    private long visibleMessages() {
        return attribute(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
    }

    private long hiddenMessages() {
        return attribute(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
    }

    private long attribute(QueueAttributeName name) {
        String url = env.sqs().getQueueUrl(r -> r.queueName(env.intakeQueue())).queueUrl();
        return Long.parseLong(env.sqs().getQueueAttributes(r -> r.queueUrl(url).attributeNames(name))
                .attributes().get(name));
    }
}
