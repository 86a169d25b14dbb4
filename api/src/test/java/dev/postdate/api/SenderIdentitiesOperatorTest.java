package dev.postdate.api;

import dev.postdate.clickhouse.keys.ApiKeys;
import dev.postdate.core.testing.Await;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator API for sender identities, and what a change does to a tenant's intake. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SenderIdentitiesOperatorTest {

    private static final String TOKEN = "op-" + ApiHarness.newTenant() + "-secret";
    private static final String OTHER_TOKEN = "op-second-secret";

    private ApiHarness api;
    /** Emails the api accepted while the tests waited for a change to take effect. */
    private final AtomicInteger accepted = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of("postdate.api.operator.token-hashes",
                List.of(ApiKeys.hash(TOKEN), ApiKeys.hash(OTHER_TOKEN))));
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    @Test
    void anOperatorAddsListsAndRemovesIdentitiesAndIntakeFollows() throws Exception {
        String tenant = ApiHarness.newTenant();
        String key = api.createKey(tenant);
        String path = "/operator/tenants/" + tenant + "/senders";
        String fromShop = ApiHarness.email().replace("news@example.org", "news@shop.example");
        assertEquals(422, api.post(key, "/v1/emails", fromShop).status(), "not an identity yet");

        ApiHarness.Response added = put(TOKEN, path + "/Shop.EXAMPLE");
        assertEquals(200, added.status(), added.body());
        assertEquals("shop.example", added.json().get("identity").getStringValue());
        assertEquals(200, put(OTHER_TOKEN, path + "/ceo@initech.example").status(), "either token");
        assertEquals(List.of("ceo@initech.example", "example.org", "shop.example"), identities(api.get(TOKEN, path)));
        assertTrue(Await.until(ApiHarness.DEADLINE, () -> status(key, fromShop) == 202), "accepted within keys-refresh");

        ApiHarness.Response removed = api.delete(TOKEN, path + "/shop.example");
        assertEquals(204, removed.status(), removed.body());
        assertEquals(404, api.delete(TOKEN, path + "/shop.example").status(), "already removed");
        assertEquals(List.of("ceo@initech.example", "example.org"), identities(api.get(TOKEN, path)));
        assertTrue(Await.until(ApiHarness.DEADLINE, () -> status(key, fromShop) == 422), "refused within keys-refresh");
        api.awaitIntake(accepted.get());
    }

    @Test
    void onlyAnOperatorTokenGetsIn() throws Exception {
        String tenant = ApiHarness.newTenant();
        String key = api.createKey(tenant);
        String path = "/operator/tenants/" + tenant + "/senders";
        assertEquals(403, api.get(key, path).status(), "a tenant's key");
        assertEquals(403, put(key, path + "/evil.example").status(), "a tenant cannot add its own identities");
        assertEquals(401, api.get(null, path).status());
        assertEquals(401, api.get("op-wrong", path).status());
        assertEquals(401, api.get(ApiKeys.hash(TOKEN), path).status(), "the hash is not the token");
        assertTrue(api.get(key, "//operator/tenants/" + tenant + "/senders").status() >= 400, "no way around the prefix");
        assertEquals(401, api.get(TOKEN, "/v1/emails/x").status(), "an operator token is no tenant key");
        assertEquals(List.of("example.org"), identities(api.get(TOKEN, path)));
    }

    @Test
    void invalidTenantsAndIdentitiesAre422sNamingThem() throws Exception {
        ApiHarness.Response badIdentity = put(TOKEN, "/operator/tenants/acme/senders/not%20a%20domain");
        assertEquals(422, badIdentity.status(), badIdentity.body());
        assertEquals("identity", badIdentity.json().get("errors").get(0).get("field").getStringValue());
        ApiHarness.Response badTenant = api.get(TOKEN, "/operator/tenants/Acme!/senders");
        assertEquals(422, badTenant.status(), badTenant.body());
        assertEquals("tenant", badTenant.json().get("errors").get(0).get("field").getStringValue());
    }

    private ApiHarness.Response put(String token, String path) throws Exception {
        return api.send(api.request(token, path).PUT(HttpRequest.BodyPublishers.noBody()));
    }

    private int status(String key, String email) {
        try {
            int status = api.post(key, "/v1/emails", email).status();
            if (status == 202) {
                accepted.incrementAndGet();
            }
            return status;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> identities(ApiHarness.Response response) {
        assertEquals(200, response.status(), response.body());
        JsonNode list = response.json().get("identities");
        return IntStream.range(0, list.size()).mapToObj(i -> list.get(i).getStringValue()).toList();
    }
}
