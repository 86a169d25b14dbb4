package dev.postdate.core.redis;

import dev.postdate.core.testing.TestEnvironment;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.micronaut.context.ApplicationContext;
import io.micronaut.management.health.indicator.HealthResult;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class RedisFactoryTest {

    @Test
    void connectionTalksToTheConfiguredRedisAndHealthSaysUp() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(RedisFactoryTest.class);
             ApplicationContext context = ApplicationContext.run(env.properties())) {
            StatefulRedisConnection<String, String> redis = context.getBean(StatefulRedisConnection.class);
            String key = "test:" + env.database();
            redis.sync().set(key, "value");
            assertEquals("value", redis.sync().get(key));
            redis.sync().del(key);

            assertFalse(context.getBean(ClientResources.class).commandLatencyRecorder().isEnabled(),
                    "per-command latency histograms cost CPU and nothing reads them");

            HealthResult health = Mono.from(context.getBean(RedisHealthIndicator.class).getResult()).block();
            assertEquals("UP", health.getStatus().getName());
        }
    }
}
