package dev.postdate.core.redis;

import dev.postdate.core.testing.TestEnvironment;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.micronaut.context.ApplicationContext;
import io.micronaut.management.health.indicator.HealthResult;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class RedisFactoryTest {

    private static final int CONCURRENT_COMMANDS = 5_000;

    @Test
    void connectionTalksToTheConfiguredRedisAndHealthSaysUp() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(RedisFactoryTest.class);
             ApplicationContext context = ApplicationContext.run(env.properties())) {
            StatefulRedisConnection<String, String> redis = context.getBean(StatefulRedisConnection.class);
            String key = "test:" + env.database();
            redis.sync().set(key, "value");
            assertEquals("value", redis.sync().get(key));
            redis.sync().del(key);

            ClientResources resources = context.getBean(ClientResources.class);
            assertFalse(resources.commandLatencyRecorder().isEnabled(),
                    "per-command latency histograms cost CPU and nothing reads them");
            assertInstanceOf(ConsolidatedFlushes.class, resources.nettyCustomizer());

            // Many callers at once, as a worker's send threads are: consolidated flushes must strand none.
            String counter = key + ":counter";
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < CONCURRENT_COMMANDS; i++) {
                    threads.submit(() -> redis.async().incr(counter).toCompletableFuture().get(5, TimeUnit.SECONDS));
                }
            }
            assertEquals(Integer.toString(CONCURRENT_COMMANDS), redis.sync().get(counter));
            redis.sync().del(counter);

            HealthResult health = Mono.from(context.getBean(RedisHealthIndicator.class).getResult()).block();
            assertEquals("UP", health.getStatus().getName());
        }
    }

    @Test
    void flushesAreConsolidatedAtTheHeadOfEveryRedisChannel() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        new ConsolidatedFlushes().afterChannelInitialized(channel);
        assertInstanceOf(FlushConsolidationHandler.class, channel.pipeline().first());
        channel.finishAndReleaseAll();
    }
}
