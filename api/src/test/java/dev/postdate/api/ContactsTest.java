package dev.postdate.api;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Mutations;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.core.testing.Await;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /v1/contacts against real ClickHouse, Redis and SQS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContactsTest {

    private static final String ADA = """
            {"id": "%s", "email": "ada@example.com", "name": "Ada", "timezone": "Europe/Berlin",
             "locale": "de", "attributes": {"plan": "pro", "country": "DE", "churn_risk": 0.2, "logins": 17,
             "last_login": "2026-11-30T10:00:00Z", "beta": true, "tags": ["a", "b"]}, "consent": {"newsletter": true}}""";

    private ApiHarness api;
    private String key;
    private String otherKey;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of());
        key = api.createKey(ApiHarness.newTenant());
        otherKey = api.createKey(ApiHarness.newTenant());
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    private static String newId() {
        return "u-" + UUID.randomUUID();
    }

    private JsonNode get(String k, String id) throws Exception {
        ApiHarness.Response response = api.get(k, "/v1/contacts/" + id);
        assertEquals(200, response.status(), response.body());
        return response.json();
    }


    @Test
    void aContactReadsBackWithItsTypesAndOnlyForItsTenant() throws Exception {
        String id = newId();
        ApiHarness.Response upserted = api.post(key, "/v1/contacts", ADA.formatted(id));
        assertEquals(200, upserted.status(), upserted.body());
        assertEquals(id, upserted.json().get("ids").get(0).getStringValue());

        JsonNode ada = get(key, id);
        assertEquals("ada@example.com", ada.get("email").getStringValue());
        assertEquals("Europe/Berlin", ada.get("timezone").getStringValue());
        assertEquals("active", ada.get("status").getStringValue());
        JsonNode attributes = ada.get("attributes");
        assertEquals("pro", attributes.get("plan").getStringValue());
        assertEquals(0.2, attributes.get("churn_risk").getDoubleValue());
        assertEquals(17, attributes.get("logins").getIntValue());
        assertEquals("2026-11-30T10:00:00Z", attributes.get("last_login").getStringValue());
        assertTrue(attributes.get("beta").getBooleanValue());
        assertEquals(2, attributes.get("tags").size());
        JsonNode newsletter = ada.get("consent").get("newsletter");
        assertTrue(newsletter.get("granted").getBooleanValue());
        assertEquals("api", newsletter.get("source").getStringValue());
        assertFalse(ada.get("created_at").getStringValue().isEmpty());

        assertEquals(404, api.get(otherKey, "/v1/contacts/" + id).status(), "another tenant's contact");
        assertEquals(404, api.delete(otherKey, "/v1/contacts/" + id).status());
        assertEquals(404, api.patch(otherKey, "/v1/contacts/" + id, "{\"name\":\"Eve\"}").status());
        assertEquals("Ada", get(key, id).get("name").getStringValue());
    }

    @Test
    void aBatchWithOneBadContactStoresNoneAndNamesEveryProblem() throws Exception {
        String good = newId();
        String batch = "{\"contacts\": [" + ADA.formatted(good) + ","
                + "{\"email\": \"not an address\"},"
                + "{\"email\": \"b@example.com\", \"timezone\": \"Mars/Olympus\", \"locale\": \"??\", \"status\": \"gone\"},"
                + "{\"email\": \"c@example.com\", \"attributes\": {\"nested\": {\"a\": 1}, \"9lives\": 1, \"list\": [1]},"
                + " \"consent\": {\"News Letter\": true, \"ok\": {\"at\": \"yesterday\"}}, \"version\": -1, \"colour\": \"red\"},"
                + "{\"id\": \"" + good + "\", \"email\": \"d@example.com\"}]}";
        ApiHarness.Response refused = api.post(key, "/v1/contacts", batch);
        assertEquals(422, refused.status(), refused.body());
        assertEquals(List.of("contacts[1].email", "contacts[2].timezone", "contacts[2].locale", "contacts[2].status",
                "contacts[3].colour", "contacts[3].attributes.nested", "contacts[3].attributes.9lives",
                "contacts[3].attributes.list[0]", "contacts[3].consent.News Letter", "contacts[3].consent.ok.granted",
                "contacts[3].consent.ok.at", "contacts[3].version", "contacts[4].id"), ApiHarness.problemFields(refused));
        assertEquals(404, api.get(key, "/v1/contacts/" + good).status(), "nothing of a refused batch is stored");

        ApiHarness.Response generated = api.post(key, "/v1/contacts",
                "{\"contacts\": [{\"email\": \"e@example.com\"}, {\"email\": \"f@example.com\"}]}");
        assertEquals(200, generated.status(), generated.body());
        String second = generated.json().get("ids").get(1).getStringValue();
        assertEquals("f@example.com", get(key, second).get("email").getStringValue());
    }

    @Test
    void theHighestVersionWinsAndRepeatingAWriteChangesNothing() throws Exception {
        String id = newId();
        String v5 = "{\"id\": \"" + id + "\", \"email\": \"v@example.com\", \"attributes\": {\"plan\": \"pro\"}, \"version\": 5}";
        assertEquals(200, api.post(key, "/v1/contacts", v5).status());
        assertEquals(200, api.post(key, "/v1/contacts",
                "{\"id\": \"" + id + "\", \"email\": \"v@example.com\", \"attributes\": {\"plan\": \"free\"}, \"version\": 3}").status());
        JsonNode first = get(key, id);
        assertEquals("pro", first.get("attributes").get("plan").getStringValue());
        assertEquals(5, first.get("version").getLongValue());

        assertEquals(200, api.post(key, "/v1/contacts", v5).status());
        JsonNode again = get(key, id);
        assertEquals(first.get("attributes"), again.get("attributes"));
        assertEquals(first.get("created_at"), again.get("created_at"));
    }

    @Test
    void aPatchMergesRemovesAndIsCheckedAsAWhole() throws Exception {
        String id = newId();
        assertEquals(200, api.post(key, "/v1/contacts", ADA.formatted(id)).status());
        JsonNode before = get(key, id);

        ApiHarness.Response patched = api.patch(key, "/v1/contacts/" + id, """
                {"name": null, "attributes": {"plan": "team", "country": null},
                 "consent": {"newsletter": false, "product": {"granted": true, "at": "2026-12-01T08:00:00+01:00", "source": "form"}}}""");
        assertEquals(200, patched.status(), patched.body());
        JsonNode after = patched.json();
        assertNull(after.get("name"), after.toString());
        assertEquals("team", after.get("attributes").get("plan").getStringValue());
        assertNull(after.get("attributes").get("country"));
        assertEquals(0.2, after.get("attributes").get("churn_risk").getDoubleValue(), "untouched attributes stay");
        assertFalse(after.get("consent").get("newsletter").get("granted").getBooleanValue());
        assertEquals("2026-12-01T07:00:00Z", after.get("consent").get("product").get("at").getStringValue());
        assertEquals(before.get("created_at"), after.get("created_at"));
        assertTrue(after.get("version").getLongValue() > before.get("version").getLongValue());
        assertEquals(after, get(key, id));

        ApiHarness.Response bad = api.patch(key, "/v1/contacts/" + id, "{\"timezone\": \"Nowhere\", \"id\": \"other\"}");
        assertEquals(422, bad.status(), bad.body());
        assertEquals(List.of("id", "timezone"), ApiHarness.problemFields(bad));
        assertEquals(400, api.patch(key, "/v1/contacts/" + id, "{\"name\": ").status());
        assertEquals(404, api.patch(key, "/v1/contacts/" + newId(), "{\"name\": \"x\"}").status());
        assertEquals(after, get(key, id), "a refused patch changes nothing");
    }

    @Test
    void hostileTextIsStoredAndReadBackExactly() throws Exception {
        String id = "o'hara\\\"; DROP TABLE contacts; --";
        String hostile = "x'); DROP TABLE contacts; --\\\\ \\t é 🙂";
        ApiHarness.Response upserted = api.post(key, "/v1/contacts", "{\"id\": \"" + id.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\", \"email\": \"h@example.com\", \"name\": \"" + hostile + "\", \"attributes\": {\"note\": \"" + hostile
                + "\", \"tags\": [\"" + hostile + "\"]}}");
        assertEquals(200, upserted.status(), upserted.body());
        ApiHarness.Response read = api.get(key, "/v1/contacts/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20"));
        assertEquals(200, read.status(), read.body());
        String expected = "x'); DROP TABLE contacts; --\\\\ \\t é 🙂".replace("\\\\", "\\").replace("\\t", "\t");
        assertEquals(expected, read.json().get("name").getStringValue());
        assertEquals(expected, read.json().get("attributes").get("note").getStringValue());
        assertEquals(expected, read.json().get("attributes").get("tags").get(0).getStringValue());
        assertEquals(id, read.json().get("id").getStringValue());
    }

    @Test
    void deletingErasesThePersonalDataAndTheIdCanBeUsedAgain() throws Exception {
        api.env.assumeMutationsFinish();
        String id = newId();
        String address = "erase-" + UUID.randomUUID() + "@example.com";
        String contact = "{\"id\": \"" + id + "\", \"email\": \"" + address + "\", \"name\": \"Grace\"}";
        assertEquals(200, api.post(key, "/v1/contacts", contact).status());
        JsonNode first = get(key, id);

        assertEquals(204, api.delete(key, "/v1/contacts/" + id).status());
        assertEquals(404, api.get(key, "/v1/contacts/" + id).status());
        assertEquals(404, api.delete(key, "/v1/contacts/" + id).status());
        ClickHouseSql sql = api.bean(ClickHouseSql.class);
        assertTrue(Await.until(Duration.ofSeconds(30), () -> Mutations.pending(sql, "contacts") == 0), "mutation done");
        assertEquals("0", sql.select("SELECT count() FROM " + sql.table("contacts") + " WHERE email = "
                + SqlLiteral.string(address) + " OR name = 'Grace'").getFirst().getFirst(), "no row keeps the data");
        assertTrue(Await.until(Duration.ofSeconds(30), () -> Mutations.pending(sql, "contacts_by_email") == 0));
        assertEquals("0", sql.select("SELECT count() FROM " + sql.table("contacts_by_email") + " WHERE email = "
                + SqlLiteral.string(address.toLowerCase(java.util.Locale.ROOT))).getFirst().getFirst(),
                "the send-time check's index keeps no address either");

        assertEquals(200, api.post(key, "/v1/contacts", contact).status());
        JsonNode again = get(key, id);
        assertEquals(address, again.get("email").getStringValue());
        assertTrue(again.get("created_at").getStringValue().compareTo(first.get("created_at").getStringValue()) > 0,
                "a new contact: " + again);
    }
}
