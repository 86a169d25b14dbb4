package dev.postdate.core.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

@Singleton
@Requires(property = "postdate.redis.uri")
public class RedisHealthIndicator extends AbstractHealthIndicator<Map<String, String>> {

    private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

    private final StatefulRedisConnection<String, String> redis;

    public RedisHealthIndicator(StatefulRedisConnection<String, String> redis) {
        this.redis = redis;
    }

    @Override
    protected Map<String, String> getHealthInformation() {
        try {
            String pong = redis.async().ping().get(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            healthStatus = HealthStatus.UP;
            return Map.of("ping", pong);
        } catch (Exception e) {
            healthStatus = HealthStatus.DOWN;
            // A ping that times out has no message: the exception's type is the news.
            return Map.of("error", e.toString());
        }
    }

    @Override
    protected String getName() {
        return "redis";
    }
}
