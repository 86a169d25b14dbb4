package dev.postdate.api;

import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** /v1/suppressions and their effect on audiences, against real ClickHouse, Redis and SQS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SuppressionsTest {

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
    void entriesAreStoredNormalizedListedAndRemovedPerTenant() throws Exception {
        String key = api.createKey(ApiHarness.newTenant());
        String otherKey = api.createKey(ApiHarness.newTenant());
        ApiHarness.Response added = api.post(key, "/v1/suppressions", """
                {"suppressions": [{"address": "Ada@Example.COM", "reason": "unsubscribe", "source": "footer link"},
                                  {"domain": "Bücher.example", "expires_at": "2999-01-01T00:00:00Z"}]}""");
        assertEquals(200, added.status(), added.body());
        assertEquals(List.of("ada@example.com", "xn--bcher-kva.example"), List.of(added.json().get("entries").get(0).getStringValue(),
                added.json().get("entries").get(1).getStringValue()));

        JsonNode ada = api.get(key, "/v1/suppressions/ADA@example.com").json();
        assertEquals("address", ada.get("kind").getStringValue());
        assertEquals("unsubscribe", ada.get("reason").getStringValue());
        assertEquals("footer link", ada.get("source").getStringValue());
        assertNull(ada.get("expires_at"));
        assertEquals("domain", api.get(key, "/v1/suppressions/xn--bcher-kva.example").json().get("kind").getStringValue());
        assertEquals(404, api.get(otherKey, "/v1/suppressions/ada@example.com").status(), "another tenant's list");

        JsonNode page = api.get(key, "/v1/suppressions?limit=1").json();
        assertEquals(1, page.get("suppressions").size());
        String next = page.get("next_after").getStringValue();
        JsonNode rest = api.get(key, "/v1/suppressions?limit=1&after=" + next).json();
        assertEquals("xn--bcher-kva.example", rest.get("suppressions").get(0).get("entry").getStringValue());
        assertEquals(List.of("limit"), ApiHarness.problemFields(api.get(key, "/v1/suppressions?limit=0")));

        assertEquals(404, api.delete(otherKey, "/v1/suppressions/ada@example.com").status());
        assertEquals(204, api.delete(key, "/v1/suppressions/ada@example.com").status());
        assertEquals(404, api.get(key, "/v1/suppressions/ada@example.com").status());
        assertEquals(404, api.delete(key, "/v1/suppressions/ada@example.com").status());
        assertEquals(200, api.post(key, "/v1/suppressions", "{\"address\": \"ada@example.com\"}").status(), "suppressed again");
        assertEquals("manual", api.get(key, "/v1/suppressions/ada@example.com").json().get("reason").getStringValue());
    }

    @Test
    void aBadEntrySuppressesNothing() throws Exception {
        String key = api.createKey(ApiHarness.newTenant());
        ApiHarness.Response refused = api.post(key, "/v1/suppressions", """
                {"suppressions": [{"address": "ok@example.com"}, {"address": "example.com"}, {"domain": "a@example.com"},
                                  {"address": "x@example.com", "domain": "example.com"}, {"domain": "old.example",
                                  "expires_at": "2020-01-01T00:00:00Z"}, {"address": "OK@example.com"}, {"address": "y@example.com", "colour": 1}]}""");
        assertEquals(422, refused.status(), refused.body());
        assertEquals(List.of("suppressions[1].address", "suppressions[2].domain", "suppressions[3]", "suppressions[4].expires_at",
                "suppressions[6].colour", "suppressions[5]"), ApiHarness.problemFields(refused));
        assertEquals(404, api.get(key, "/v1/suppressions/ok@example.com").status());
    }

    @Test
    void audiencesLeaveSuppressedAddressesAndDomainsOut() throws Exception {
        String key = api.createKey(ApiHarness.newTenant());
        assertEquals(200, api.post(key, "/v1/contacts", """
                {"contacts": [{"id": "1", "email": "ada@example.com"}, {"id": "2", "email": "Bob@Blocked.example"},
                              {"id": "3", "email": "cy@example.com"}, {"id": "4", "email": "di@example.com", "status": "bounced"}]}""")
                .status());
        assertEquals(200, api.post(key, "/v1/suppressions", "{\"suppressions\": [{\"domain\": \"blocked.example\"}, "
                + "{\"address\": \"CY@example.com\"}, {\"address\": \"di@example.com\"}]}").status());
        ApiHarness.Response created = api.post(key, "/v1/audiences",
                "{\"name\": \"all\", \"rule\": {\"field\": \"email\", \"op\": \"contains\", \"value\": \"@\"}}");
        String id = created.json().get("id").getStringValue();

        JsonNode count = api.get(key, "/v1/audiences/" + id + "/count").json();
        assertEquals(4, count.get("matching").getLongValue());
        assertEquals(1, count.get("eligible").getLongValue());
        assertEquals(2, count.get("excluded").get("suppressed").getLongValue(), "bob by domain, cy by address");
        assertEquals(1, count.get("excluded").get("bounced").getLongValue(), "di counts once, by status");
        Set<String> sampled = new HashSet<>();
        api.get(key, "/v1/audiences/" + id + "/sample").json().get("contacts").values().forEach(c -> sampled.add(c.get("id").getStringValue()));
        assertEquals(Set.of("1"), sampled);

        assertEquals(204, api.delete(key, "/v1/suppressions/blocked.example").status());
        assertEquals(2, api.get(key, "/v1/audiences/" + id + "/count").json().get("eligible").getLongValue());
        assertEquals(200, api.post(key, "/v1/suppressions",
                "{\"domain\": \"example.com\", \"expires_at\": \"" + Instant.now().plusSeconds(3600) + "\"}").status());
        assertEquals(1, api.get(key, "/v1/audiences/" + id + "/count").json().get("eligible").getLongValue(), "only bob's domain left");
    }
}
