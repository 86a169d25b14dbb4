package dev.postdate.core.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * One Lettuce connection per process: it is thread-safe and pipelines commands from all callers.
 */
@Factory
public class RedisFactory {

    /**
     * Lettuce records every command's latency in a pause-corrected histogram whenever HdrHistogram is
     * on the classpath (Micrometer brings it), and nothing here reads those histograms: at one or two
     * commands per email that bookkeeping was a measurable share of a worker's CPU. Flushes are
     * consolidated ({@link ConsolidatedFlushes}).
     */
    @Singleton
    @Bean(preDestroy = "shutdown")
    ClientResources redisClientResources() {
        return DefaultClientResources.builder()
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .nettyCustomizer(new ConsolidatedFlushes())
                .build();
    }

    @Singleton
    @Bean(preDestroy = "shutdown")
    RedisClient redisClient(ClientResources resources, RedisSettings settings) {
        RedisURI uri = RedisURI.create(settings.uri());
        uri.setTimeout(settings.commandTimeout());
        return RedisClient.create(resources, uri);
    }

    @Singleton
    @Bean(preDestroy = "close")
    StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
        return client.connect();
    }
}
