package dev.postdate.core.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * One Lettuce connection per process: it is thread-safe and pipelines commands from all callers.
 */
@Factory
public class RedisFactory {

    @Singleton
    @Bean(preDestroy = "shutdown")
    RedisClient redisClient(RedisSettings settings) {
        return RedisClient.create(settings.uri());
    }

    @Singleton
    @Bean(preDestroy = "close")
    StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
        return client.connect();
    }
}
