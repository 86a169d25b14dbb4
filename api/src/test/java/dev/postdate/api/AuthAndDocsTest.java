package dev.postdate.api;

import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.clickhouse.keys.ApiKeyStore;
import dev.postdate.clickhouse.keys.CreatedApiKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthAndDocsTest {

    private ApiHarness api;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of());
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    @Test
    void missingOrUnknownKeysGet401Problems() throws Exception {
        api.createKey(ApiHarness.newTenant());
        for (String key : new String[]{null, "pd_0000_wrong", ""}) {
            ApiHarness.Response response = api.post(key, "/v1/emails", ApiHarness.email());
            assertEquals(401, response.status(), response.body());
            assertEquals(ProblemResponses.MEDIA_TYPE, response.contentType());
            assertEquals(401, response.json().get("status").getIntValue());
        }
        api.assertIntakeEmpty();
    }

    @Test
    void aRevokedKeyStopsWorkingWithinTheRefreshInterval() throws Exception {
        CreatedApiKey created = api.bean(ApiKeyStore.class).create(ApiHarness.newTenant());
        api.awaitStatus(created.key(), 404);
        assertTrue(api.bean(ApiKeyStore.class).revoke(created.keyId()));
        api.awaitStatus(created.key(), 401);
        assertEquals(false, api.bean(ApiKeyStore.class).revoke(created.keyId()), "already revoked");
    }

    @Test
    void withoutOperatorTokensTheOperatorApiDoesNotExist() throws Exception {
        String key = api.createKey(ApiHarness.newTenant());
        for (String credential : new String[]{null, key, "anything"}) {
            ApiHarness.Response response = api.get(credential, "/operator/tenants/acme/senders");
            assertEquals(404, response.status(), response.body());
            assertEquals(ProblemResponses.MEDIA_TYPE, response.contentType());
        }
    }

    @Test
    void healthAndTheOpenApiDocumentNeedNoKey() throws Exception {
        assertEquals(200, api.management("/health").status());
        ApiHarness.Response openApi = api.get(null, "/openapi/postdate-api.yml");
        assertEquals(200, openApi.status());
        assertTrue(openApi.body().contains("/v1/emails/batch:"), openApi.body());
        assertTrue(openApi.body().contains("idempotency_key"), "snake_case schema");
        assertTrue(openApi.body().contains("/v1/recipients/{address}:"), "erasure");
        assertTrue(openApi.body().contains("/operator/tenants/{tenant}/senders/{identity}:"), "operator API");
    }
}
