package dev.postdate.api;

import dev.postdate.core.testing.HealthProbe;
import dev.postdate.core.testing.RestartableServer;
import dev.postdate.core.testing.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Redis goes away under a running api: /health answers 503; once Redis is back the api recovers by itself. */
class RedisOutageTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private RestartableServer redis;
    private ApiHarness api;

    @BeforeEach
    void start() throws Exception {
        redis = TestServices.current().privateRedis();
        redis.start();
        api = ApiHarness.start(getClass(), Map.of("postdate.redis.uri", redis.endpoint().toString()));
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
        redis.close();
    }

    @Test
    void reportsUnhealthyWhileRedisIsDownAndAcceptsAgainWhenItIsBack() throws Exception {
        String key = api.createKey(ApiHarness.newTenant());
        assertEquals(200, HealthProbe.awaitHealthy(api.server, DEADLINE).statusCode());

        redis.kill();
        assertEquals(503, HealthProbe.awaitStatus(api.server, 503, DEADLINE).statusCode());

        redis.start();
        assertEquals(200, HealthProbe.awaitHealthy(api.server, DEADLINE).statusCode());
        ApiHarness.Response response = api.post(key, "/v1/emails", ApiHarness.email());
        assertEquals(202, response.status(), response.body());
        assertEquals(response.json().get("id").getStringValue(), api.awaitIntake(1).getFirst().id());
    }
}
