package dev.postdate.api;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.keys.ApiKeyStore;
import dev.postdate.clickhouse.keys.ApiKeys;
import dev.postdate.clickhouse.keys.CreatedApiKey;
import dev.postdate.core.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the api accepts a key: at once when new, never once revoked, expired, or when its table is stale. */
class ApiKeysTest {

    private ApiHarness api;

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private int status(String key) throws Exception {
        return api.get(key, "/v1/emails/" + UUID.randomUUID()).status();
    }

    @Test
    void aNewKeyWorksAtOnceAndARevokedOneWithinTheRefresh() throws Exception {
        // No reload after the first within the test: only the lookup of a missed key can accept it.
        api = ApiHarness.start(ApiKeysTest.class, Map.of("postdate.api.keys-refresh", "1h"));
        api.awaitStatus(ApiKeys.newKey(ApiKeys.newKeyId()), 401);
        CreatedApiKey created = api.bean(ApiKeyStore.class).create(ApiHarness.newTenant());
        assertEquals(404, status(created.key()), "accepted on its first request");
        assertEquals(404, status(created.key()), "and from the lookup cache");
        assertEquals(401, status(created.key() + "x"), "a longer text is not the key");
        assertEquals(401, status("pd_" + created.keyId() + "_" + "A".repeat(43)), "the id with another secret");
        api.close();

        api = ApiHarness.start(ApiKeysTest.class, Map.of());
        CreatedApiKey revoked = api.bean(ApiKeyStore.class).create(ApiHarness.newTenant());
        assertEquals(404, status(revoked.key()));
        assertTrue(api.bean(ApiKeyStore.class).revoke(revoked.keyId()));
        api.awaitStatus(revoked.key(), 401);
    }

    @Test
    void anExpiredKeyIsRefused() throws Exception {
        api = ApiHarness.start(ApiKeysTest.class, Map.of());
        CreatedApiKey expiring = api.bean(ApiKeyStore.class).create(ApiHarness.newTenant(), Duration.ofSeconds(10));
        assertEquals(404, status(expiring.key()));
        api.awaitStatus(expiring.key(), 401);
    }

    @Test
    void failsClosedWhenKeysCannotBeReloadedForLongerThanTheStaleness() throws Exception {
        api = ApiHarness.start(ApiKeysTest.class, Map.of("postdate.api.keys-max-staleness", "2s"));
        String key = api.createKey(ApiHarness.newTenant());
        ClickHouseSql sql = api.bean(ClickHouseSql.class);
        // Reloads fail from now on, as they would with ClickHouse unreachable.
        sql.execute("RENAME TABLE " + sql.table("api_keys") + " TO " + sql.table("api_keys_away"));
        ApiHarness.Response[] closed = new ApiHarness.Response[1];
        assertTrue(Await.until(ApiHarness.DEADLINE, () -> {
            try {
                closed[0] = api.get(key, "/v1/emails/" + UUID.randomUUID());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return closed[0].body().contains("authentication is closed");
        }), () -> "still " + closed[0].body());
        assertEquals(503, closed[0].status());
        assertTrue(closed[0].headers().firstValue("Retry-After").isPresent(), closed[0].headers().toString());

        sql.execute("RENAME TABLE " + sql.table("api_keys_away") + " TO " + sql.table("api_keys"));
        api.awaitStatus(key, 404);
    }

    @Test
    void sprayedUnknownKeysAreRefusedAndAValidKeyStillWorks() throws Exception {
        api = ApiHarness.start(ApiKeysTest.class, Map.of());
        String key = api.createKey(ApiHarness.newTenant());
        List<Future<Integer>> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 400; i++) {
                String guess = i % 2 == 0 ? ApiKeys.newKey(ApiKeys.newKeyId()) : "guess-" + i;
                answers.add(clients.submit(() -> status(guess)));
            }
        }
        for (Future<Integer> answer : answers) {
            // 503: every lookup slot was busy; the guess is refused either way.
            assertTrue(List.of(401, 503).contains(answer.get()), "answered " + answer.get());
        }
        assertTrue(Await.until(ApiHarness.DEADLINE, () -> {
            try {
                return status(key) == 404;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
    }
}
