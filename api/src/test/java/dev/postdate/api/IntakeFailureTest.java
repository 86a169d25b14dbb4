package dev.postdate.api;

import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.core.redis.RedisKeys;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SQS refusing the intake: 503, and nothing of the request stays accepted. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IntakeFailureTest {

    private ApiHarness api;
    private String tenant;
    private String key;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of("postdate.sqs.intake-queue", "no-such-queue-" + ApiHarness.newTenant()));
        tenant = ApiHarness.newTenant();
        key = api.createKey(tenant);
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFailedSendAnswers503AndReleasesTheIdempotencyKeys() throws Exception {
        String body = ApiHarness.batch(List.of(ApiHarness.email("\"idempotency_key\":\"once\""), ApiHarness.email()));
        ApiHarness.Response response = api.post(key, "/v1/emails/batch", body);
        assertEquals(503, response.status(), response.body());
        assertEquals(ProblemResponses.MEDIA_TYPE, response.contentType());

        StatefulRedisConnection<String, String> redis = api.bean(StatefulRedisConnection.class);
        RedisKeys keys = api.bean(RedisKeys.class);
        assertEquals(0L, redis.sync().exists(keys.of("idem", tenant, "once")), "idempotency key released");
        assertEquals(List.of(), redis.sync().keys(keys.of("accepted", tenant, "*")), "no accepted records");
        assertEquals(2, redis.sync().keys(keys.of("state", tenant, "*")).stream()
                .filter(k -> "cancelled".equals(redis.sync().get(k))).count(), "guards keep strays from being sent");
    }
}
