package dev.postdate.api;

import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /v1/audiences against real ClickHouse, Redis and SQS, over contacts written through /v1/contacts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AudiencesTest {

    /** The request shape issue 18 spells out. */
    private static final String ACTIVE_PRO_EU = """
            {"name": "active-pro-eu", "rule": {"all": [
               {"attr": "plan", "op": "eq", "value": "pro"},
               {"field": "status", "op": "eq", "value": "active"},
               {"attr": "country", "op": "in", "value": ["DE", "FR"]},
               {"any": [{"attr": "last_login", "op": "within_last", "value": "30d"},
                        {"not": {"attr": "churn_risk", "op": "gt", "value": 0.8}}]}]}}""";

    private ApiHarness api;
    private String key;
    private String otherKey;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of());
        key = api.createKey(ApiHarness.newTenant());
        otherKey = api.createKey(ApiHarness.newTenant());
        String recent = Instant.now().minus(Duration.ofDays(3)).toString();
        String old = Instant.now().minus(Duration.ofDays(90)).toString();
        String contacts = "{\"contacts\": ["
                + contact("a", "active", "pro", "DE", recent, 0.9)      // in: recent login
                + "," + contact("b", "active", "pro", "FR", old, 0.2)   // in: low churn risk
                + "," + contact("c", "active", "pro", "FR", old, 0.95)  // out: old login and high risk
                + "," + contact("d", "active", "free", "DE", recent, 0.1) // out: plan
                + "," + contact("e", "unsubscribed", "pro", "DE", recent, 0.1) // out: status
                + "," + contact("f", "bounced", "pro", "US", recent, 0.1) // out: country
                + "]}";
        ApiHarness.Response stored = api.post(key, "/v1/contacts", contacts);
        assertEquals(200, stored.status(), stored.body());
        assertEquals(200, api.post(otherKey, "/v1/contacts", contacts).status());
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    private static String contact(String id, String status, String plan, String country, String lastLogin, double churn) {
        return "{\"id\": \"" + id + "\", \"email\": \"" + id + "@example.com\", \"status\": \"" + status + "\", \"attributes\": "
                + "{\"plan\": \"" + plan + "\", \"country\": \"" + country + "\", \"last_login\": \"" + lastLogin
                + "\", \"churn_risk\": " + churn + "}"
                // Only a consented to the newsletter.
                + (id.equals("a") ? ", \"consent\": {\"newsletter\": true}" : "") + "}";
    }


    private String create(String k, String body) throws Exception {
        ApiHarness.Response created = api.post(k, "/v1/audiences", body);
        assertEquals(201, created.status(), created.body());
        assertEquals(1, created.json().get("version").getIntValue());
        return created.json().get("id").getStringValue();
    }

    @Test
    void theIssuesRuleSelectsItsContactsCountedAndSampled() throws Exception {
        String id = create(key, ACTIVE_PRO_EU);

        ApiHarness.Response count = api.get(key, "/v1/audiences/" + id + "/count");
        assertEquals(200, count.status(), count.body());
        assertEquals(2, count.json().get("matching").getLongValue());
        assertEquals(2, count.json().get("eligible").getLongValue());

        ApiHarness.Response sample = api.get(key, "/v1/audiences/" + id + "/sample?n=20");
        assertEquals(200, sample.status(), sample.body());
        Set<String> ids = new HashSet<>();
        sample.json().get("contacts").values().forEach(c -> ids.add(c.get("id").getStringValue()));
        assertEquals(Set.of("a", "b"), ids);
        assertEquals(1, api.get(key, "/v1/audiences/" + id + "/sample?n=1").json().get("contacts").size());
        assertEquals(List.of("n"), ApiHarness.problemFields(api.get(key, "/v1/audiences/" + id + "/sample?n=0")));
        assertEquals(List.of("n"), ApiHarness.problemFields(api.get(key, "/v1/audiences/" + id + "/sample?n=101")));

        // For mail of a topic, only contacts that granted its consent are eligible.
        JsonNode newsletter = api.get(key, "/v1/audiences/" + id + "/count?topic=newsletter").json();
        assertEquals(2, newsletter.get("matching").getLongValue());
        assertEquals(1, newsletter.get("eligible").getLongValue());
        assertEquals(1, newsletter.get("excluded").get("no_consent").getLongValue());
        JsonNode consented = api.get(key, "/v1/audiences/" + id + "/sample?topic=newsletter").json();
        assertEquals(1, consented.get("contacts").size());
        assertEquals("a", consented.get("contacts").get(0).get("id").getStringValue());
        assertEquals(List.of("topic"), ApiHarness.problemFields(api.get(key, "/v1/audiences/" + id + "/count?topic=News%27")));
    }

    @Test
    void contactsThatMatchButAreNotActiveAreExcludedByStatus() throws Exception {
        String id = create(key, "{\"name\": \"pro\", \"rule\": {\"attr\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}}");
        JsonNode count = api.get(key, "/v1/audiences/" + id + "/count").json();
        assertEquals(5, count.get("matching").getLongValue());
        assertEquals(3, count.get("eligible").getLongValue());
        assertEquals(1, count.get("excluded").get("unsubscribed").getLongValue());
        assertEquals(1, count.get("excluded").get("bounced").getLongValue());
        assertEquals(0, count.get("excluded").get("complained").getLongValue());
    }

    @Test
    void savesMakeVersionsThatStayAsTheyWere() throws Exception {
        String id = create(key, ACTIVE_PRO_EU);
        ApiHarness.Response updated = api.send(api.request(key, "/v1/audiences/" + id)
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"name\": \"de\", \"rule\": {\"attr\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}}")));
        assertEquals(200, updated.status(), updated.body());
        assertEquals(2, updated.json().get("version").getIntValue());

        JsonNode latest = api.get(key, "/v1/audiences/" + id).json();
        assertEquals("de", latest.get("name").getStringValue());
        assertEquals(2, latest.get("versions").size());
        JsonNode first = api.get(key, "/v1/audiences/" + id + "/versions/1").json();
        assertEquals("active-pro-eu", first.get("name").getStringValue());
        assertEquals("pro", first.get("rule").get("all").get(0).get("value").getStringValue());

        assertEquals(2, api.get(key, "/v1/audiences/" + id + "/count?version=1").json().get("matching").getLongValue());
        assertEquals(3, api.get(key, "/v1/audiences/" + id + "/count").json().get("matching").getLongValue(), "a, d, e");
        assertEquals(404, api.get(key, "/v1/audiences/" + id + "/count?version=3").status());
        assertEquals(List.of("version"), ApiHarness.problemFields(api.get(key, "/v1/audiences/" + id + "/count?version=x")));
        assertEquals(404, api.get(key, "/v1/audiences/" + id + "/versions/3").status());
    }

    @Test
    void anotherTenantsAudienceIsNotFound() throws Exception {
        String id = create(key, ACTIVE_PRO_EU);
        assertEquals(404, api.get(otherKey, "/v1/audiences/" + id).status());
        assertEquals(404, api.get(otherKey, "/v1/audiences/" + id + "/count").status());
        assertEquals(404, api.get(otherKey, "/v1/audiences/" + id + "/sample").status());
        assertEquals(404, api.send(api.request(otherKey, "/v1/audiences/" + id).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(ACTIVE_PRO_EU))).status());
        assertEquals(1, api.get(key, "/v1/audiences/" + id).json().get("versions").size(), "nothing saved by the other tenant");
    }

    @Test
    void anInvalidRuleIsRefusedWithThePathOfEachProblem() throws Exception {
        ApiHarness.Response refused = api.post(key, "/v1/audiences", """
                {"name": "", "rule": {"all": [
                   {"attr": "plan", "op": "eqq", "value": "pro"},
                   {"field": "colour", "op": "eq", "value": "x"},
                   {"any": []},
                   {"attr": "last_login", "op": "within_last", "value": "30 days"},
                   {"field": "status", "op": "eq", "value": "gone"},
                   {"attr": "plan", "field": "email", "op": "eq", "value": "x"},
                   {"not": {"attr": "churn_risk", "op": "gt", "value": "high"}},
                   {"field": "created_at", "op": "contains", "value": "x"},
                   {"attr": "x'); DROP TABLE contacts; --", "op": "exists", "value": true}]}}""");
        assertEquals(422, refused.status(), refused.body());
        assertEquals(List.of("name", "rule.all[0].op", "rule.all[1].field", "rule.all[2].any", "rule.all[3].value",
                "rule.all[4].value", "rule.all[5]", "rule.all[6].not.value", "rule.all[7].op", "rule.all[8].attr"),
                ApiHarness.problemFields(refused));
        assertEquals(List.of("rule"), ApiHarness.problemFields(api.post(key, "/v1/audiences", "{\"name\": \"x\"}")));
        assertEquals(List.of("colour"), ApiHarness.problemFields(api.post(key, "/v1/audiences", "{\"name\": \"x\", \"rule\": {\"op\": \"has_consent\","
                + " \"value\": \"news\"}, \"colour\": 1}")));
    }
}
