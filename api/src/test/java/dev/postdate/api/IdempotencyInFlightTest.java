package dev.postdate.api;

import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.redis.RedisKeys;
import dev.postdate.core.testing.Await;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replay that races its original request: while the original waits on SQS (held at the gate of
 * {@link GatedIntakePublisher}) the replay answers 409 and queues nothing; afterwards it answers 202
 * with the original's id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyInFlightTest {

    private ApiHarness api;
    private String tenant;
    private String key;
    private GatedIntakePublisher publisher;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of("test.gate-intake", "true"));
        tenant = ApiHarness.newTenant();
        key = api.createKey(tenant);
        publisher = api.bean(GatedIntakePublisher.class);
    }

    /** Lets a request held by a failed test through, so the next test starts with an open gate. */
    @AfterEach
    void openTheGate() {
        if (publisher.gate.availablePermits() < Integer.MAX_VALUE / 4) {
            publisher.gate.release(Integer.MAX_VALUE / 4);
        }
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    @Test
    void aReplayOfASingleEmailStillWaitingOnSqsAnswers409ThenTheSameId() throws Exception {
        String email = ApiHarness.email("\"idempotency_key\":\"single-1\"");
        CompletableFuture<ApiHarness.Response> original = heldAtTheGate("/v1/emails", email);

        ApiHarness.Response replay = api.post(key, "/v1/emails", email);
        assertInProgress(replay, "idempotency_key");

        publisher.gate.release(Integer.MAX_VALUE / 2);
        ApiHarness.Response accepted = original.get(30, TimeUnit.SECONDS);
        assertEquals(202, accepted.status(), accepted.body());
        String id = accepted.json().get("id").getStringValue();
        List<ScheduledEmail> queued = api.awaitIntake(1);
        assertEquals(id, queued.getFirst().id());

        ApiHarness.Response later = api.post(key, "/v1/emails", email);
        assertEquals(202, later.status(), later.body());
        assertEquals(id, later.json().get("id").getStringValue());
        api.assertIntakeEmpty();
    }

    @Test
    void aBatchReplayingAKeyInProgressIsRefusedWholeAndReleasesItsOwnKeys() throws Exception {
        String held = ApiHarness.email("\"idempotency_key\":\"batch-held\"");
        String batch = ApiHarness.batch(List.of(held, ApiHarness.email()));
        CompletableFuture<ApiHarness.Response> original = heldAtTheGate("/v1/emails/batch", batch);

        ApiHarness.Response replay = api.post(key, "/v1/emails/batch",
                ApiHarness.batch(List.of(ApiHarness.email("\"idempotency_key\":\"batch-new\""), held)));
        assertInProgress(replay, "emails[1].idempotency_key");
        StatefulRedisConnection<String, String> redis = api.bean(StatefulRedisConnection.class);
        RedisKeys keys = api.bean(RedisKeys.class);
        assertEquals(0L, redis.sync().exists(keys.of("idem", tenant, "batch-new")), "the replay's own key released");

        publisher.gate.release(Integer.MAX_VALUE / 2);
        ApiHarness.Response accepted = original.get(30, TimeUnit.SECONDS);
        assertEquals(202, accepted.status(), accepted.body());
        api.awaitIntake(2);

        ApiHarness.Response later = api.post(key, "/v1/emails/batch", batch);
        assertEquals(202, later.status(), later.body());
        assertEquals(accepted.json().get("ids").get(0).getStringValue(), later.json().get("ids").get(0).getStringValue());
        assertEquals(1, api.awaitIntake(1).size(), "only the unkeyed email is queued again");
    }

    @Test
    void theOpenApiDocumentShowsThe409OfBothIntakeOperations() throws Exception {
        String document = api.get(null, "/openapi/postdate-api.yml").body();
        for (String operation : List.of("operationId: acceptOne", "operationId: acceptBatch")) {
            String responses = document.substring(document.indexOf(operation));
            responses = responses.substring(0, responses.indexOf("operationId:", operation.length()) < 0
                    ? responses.length() : responses.indexOf("operationId:", operation.length()));
            assertTrue(responses.contains("\"409\":") && responses.contains("Retry-After:"), operation);
        }
    }

    private CompletableFuture<ApiHarness.Response> heldAtTheGate(String path, String body) throws InterruptedException {
        publisher.gate.drainPermits();
        CompletableFuture<ApiHarness.Response> original = CompletableFuture.supplyAsync(() -> {
            try {
                return api.post(key, path, body);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(Await.until(Duration.ofSeconds(30), publisher.gate::hasQueuedThreads), "the original reached SQS");
        return original;
    }

    private static void assertInProgress(ApiHarness.Response replay, String field) {
        assertEquals(409, replay.status(), replay.body());
        assertEquals(ProblemResponses.MEDIA_TYPE, replay.contentType());
        assertEquals("1", replay.headers().firstValue("Retry-After").orElse(null));
        assertEquals("https://postdate.dev/problems/idempotency-in-progress", replay.json().get("type").getStringValue());
        assertTrue(replay.json().get("detail").getStringValue().contains("still in progress"), replay.body());
        assertEquals(field, replay.json().get("errors").get(0).get("field").getStringValue());
    }
}
