package dev.postdate.api;

import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /v1/contacts/imports against real ClickHouse: CSV and NDJSON, parts, row errors, repeats. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContactImportsTest {

    private ApiHarness api;
    private String key;
    private String otherKey;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of("postdate.contacts.imports.chunk-rows", "2",
                "postdate.contacts.imports.max-errors", "4"));
        key = api.createKey(ApiHarness.newTenant());
        otherKey = api.createKey(ApiHarness.newTenant());
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    private ApiHarness.Response send(String k, String method, String path, String type, byte[] body) throws Exception {
        return api.send(api.request(k, path).header("Content-Type", type)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private ApiHarness.Response csv(String k, String query, String body) throws Exception {
        return send(k, "POST", "/v1/contacts/imports" + query, "text/csv", body.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode contact(String k, String id) throws Exception {
        ApiHarness.Response found = api.get(k, "/v1/contacts/" + id);
        assertEquals(200, found.status(), found.body());
        return found.json();
    }

    @Test
    void aCsvFileImportsItsGoodRowsAndNamesEachBadOne() throws Exception {
        String file = """
                id,email,name,timezone,locale,plan,zip,churn_risk,last_login,tags,vip,consent.newsletter
                u-1,ada@example.com,Ada,Europe/Berlin,de,pro,01234,0.2,2026-11-30T10:00:00Z,a|b,true,yes
                u-2,not-an-address,Bob,,,free,,,,,,
                ,Grace@Example.com,"Grace, ""Amazing"" Hopper",,,pro,,1e3,,,,no
                u-4,linus@example.com,Linus,Mars/Olympus,,pro,,,,,,
                u-5,ken@,Ken,,,pro,,high,,,,
                u-6,dennis@example.com,"Dennis
                Ritchie",,,pro,,,,,,maybe
                u-7,short@example.com
                """;
        ApiHarness.Response started = csv(key, "?types=churn_risk:number,tags:list", file);
        assertEquals(201, started.status(), started.body());
        JsonNode report = started.json();
        String id = report.get("id").getStringValue();
        assertEquals("/v1/contacts/imports/" + id, started.headers().firstValue("Location").orElseThrow());
        assertEquals("done", report.get("state").getStringValue());
        assertEquals(7, report.get("rows").getLongValue());
        assertEquals(2, report.get("imported").getLongValue());
        assertEquals(5, report.get("failed").getLongValue());
        assertEquals(4, report.get("errors").size(), "max-errors keeps the first ones");
        List<String> errors = new ArrayList<>();
        report.get("errors").values().forEach(e -> errors.add(e.get("line").getLongValue() + " "
                + e.get("field").getStringValue()));
        assertEquals(List.of("3 email", "5 timezone", "6 churn_risk", "6 email"), errors, "every problem of a row");

        JsonNode ada = contact(key, "u-1");
        assertEquals("Ada", ada.get("name").getStringValue());
        JsonNode attributes = ada.get("attributes");
        assertEquals("01234", attributes.get("zip").getStringValue(), "a leading zero keeps a string");
        assertEquals(0.2, attributes.get("churn_risk").getDoubleValue());
        assertEquals("2026-11-30T10:00:00Z", attributes.get("last_login").getStringValue());
        assertEquals(2, attributes.get("tags").size());
        assertTrue(attributes.get("vip").getBooleanValue());
        assertTrue(ada.get("consent").get("newsletter").get("granted").getBooleanValue());
        JsonNode grace = contact(key, "grace@example.com");
        assertEquals("Grace, \"Amazing\" Hopper", grace.get("name").getStringValue());
        assertEquals(1000.0, grace.get("attributes").get("churn_risk").getDoubleValue());
        assertFalse(grace.get("consent").get("newsletter").get("granted").getBooleanValue());
        assertEquals(404, api.get(key, "/v1/contacts/u-2").status());
        assertEquals(404, api.get(otherKey, "/v1/contacts/u-1").status(), "the other tenant sees none");

        ApiHarness.Response read = api.get(key, "/v1/contacts/imports/" + id);
        assertEquals(200, read.status(), read.body());
        assertEquals(report, read.json());
        assertEquals(404, api.get(otherKey, "/v1/contacts/imports/" + id).status());
        ApiHarness.Response list = api.get(key, "/v1/contacts/imports");
        assertEquals(id, list.json().get("imports").get(0).get("id").getStringValue());
        assertEquals(0, api.get(otherKey, "/v1/contacts/imports").json().get("imports").size());

        // The same file again: the same contacts, unchanged.
        ApiHarness.Response again = csv(key, "?types=churn_risk:number,tags:list", file);
        assertEquals(2, again.json().get("imported").getLongValue());
        JsonNode adaAgain = contact(key, "u-1");
        assertEquals(ada.get("attributes"), adaAgain.get("attributes"));
        assertEquals(ada.get("created_at"), adaAgain.get("created_at"));
    }

    @Test
    void aFileInPartsContinuesItsLinesAndARepeatedPartChangesNothing() throws Exception {
        ApiHarness.Response first = csv(key, "?final=false", "id,email,plan\np-1,p1@example.com,pro\np-2,bad,pro\n");
        assertEquals(201, first.status(), first.body());
        String path = "/v1/contacts/imports/" + first.json().get("id").getStringValue();
        assertEquals("open", first.json().get("state").getStringValue());
        byte[] second = "p-3,p3@example.com,free\np-4,,free\n".getBytes(StandardCharsets.UTF_8);
        ApiHarness.Response two = send(key, "PUT", path + "/parts/2?final=false", "text/csv", second);
        assertEquals(200, two.status(), two.body());
        ApiHarness.Response repeated = send(key, "PUT", path + "/parts/2?final=false", "text/csv", second);
        assertEquals(two.json(), repeated.json(), "a part sent again is not imported again");
        assertEquals(409, send(key, "PUT", path + "/parts/4", "text/csv", second).status());
        assertEquals(415, send(key, "PUT", path + "/parts/3", "application/x-ndjson", second).status());
        assertEquals(404, send(otherKey, "PUT", path + "/parts/3", "text/csv", second).status());
        ApiHarness.Response last = send(key, "PUT", path + "/parts/3", "text/csv",
                "p-5,p5@example.com,pro".getBytes(StandardCharsets.UTF_8));
        JsonNode done = last.json();
        assertEquals("done", done.get("state").getStringValue(), last.body());
        assertEquals(3, done.get("parts").getIntValue());
        assertEquals(5, done.get("rows").getLongValue());
        assertEquals(3, done.get("imported").getLongValue());
        assertEquals(6, done.get("lines").getLongValue());
        List<Long> lines = new ArrayList<>();
        done.get("errors").values().forEach(e -> lines.add(e.get("line").getLongValue()));
        assertEquals(List.of(3L, 5L), lines, "lines count across parts, the header being line 1");
        assertEquals(409, send(key, "PUT", path + "/parts/4", "text/csv", second).status(), "done is final");
        assertEquals("free", contact(key, "p-3").get("attributes").get("plan").getStringValue());
    }

    @Test
    void aClientChosenIdMakesTheFirstPartSafeToSendAgain() throws Exception {
        String path = "/v1/contacts/imports/cli-" + java.util.UUID.randomUUID();
        byte[] first = "email,plan\nk1@example.com,pro\n".getBytes(StandardCharsets.UTF_8);
        ApiHarness.Response started = send(key, "PUT", path + "/parts/1?final=false&types=plan:string", "text/csv", first);
        assertEquals(201, started.status(), started.body());
        assertEquals(1, started.json().get("imported").getLongValue());
        ApiHarness.Response again = send(key, "PUT", path + "/parts/1?final=false&types=plan:string", "text/csv", first);
        assertEquals(200, again.status(), again.body());
        assertEquals(started.json(), again.json(), "the first part sent again imports nothing");
        ApiHarness.Response last = send(key, "PUT", path + "/parts/2", "text/csv",
                "k2@example.com,free\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(2, last.json().get("imported").getLongValue(), last.body());
        assertEquals("done", last.json().get("state").getStringValue());
        assertEquals(List.of("id"), ApiHarness.problemFields(send(key, "PUT", "/v1/contacts/imports/a.b/parts/1", "text/csv", first)));
        assertEquals(List.of("header"), ApiHarness.problemFields(send(key, "PUT", path + "x/parts/1", "text/csv",
                "name\nx\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals(404, api.get(key, path + "x").status(), "a refused first part leaves no import");
    }

    @Test
    void ndjsonRowsAreContactsAsPostTakesThem() throws Exception {
        String file = """
                {"id": "n-1", "email": "n1@example.com", "attributes": {"plan": "pro"}, "consent": {"newsletter": true}}

                {"id": "n-2", "email": "n2@example.com", "colour": "red"}
                not json
                [1, 2]
                {"email": "N3@example.com", "status": "unsubscribed"}
                """ + "\n\n";
        ApiHarness.Response started = send(key, "POST", "/v1/contacts/imports", "application/x-ndjson",
                file.getBytes(StandardCharsets.UTF_8));
        assertEquals(201, started.status(), started.body());
        JsonNode report = started.json();
        assertEquals(5, report.get("rows").getLongValue());
        assertEquals(8, report.get("lines").getLongValue(), "empty lines at the end count as lines");
        assertEquals(2, report.get("imported").getLongValue());
        List<String> errors = new ArrayList<>();
        report.get("errors").values().forEach(e -> errors.add(e.get("line").getLongValue() + " "
                + e.get("field").getStringValue() + " " + e.get("reason").getStringValue()));
        assertEquals(List.of("3 colour unknown field", "4  not valid JSON", "5  must be a JSON object"), errors);
        assertEquals("unsubscribed", contact(key, "n3@example.com").get("status").getStringValue());
    }

    @Test
    void whatCannotBeImportedAtAllIsA422AndNothingIsStored() throws Exception {
        assertEquals(List.of("header"), ApiHarness.problemFields(csv(key, "", "id,name\nx,y\n")));
        assertEquals(List.of("header"), ApiHarness.problemFields(csv(key, "", "email,email\n")));
        assertEquals(List.of("header"), ApiHarness.problemFields(csv(key, "", "email,'; DROP TABLE contacts; --\n")));
        assertEquals(List.of("header"), ApiHarness.problemFields(csv(key, "", "email,consent.News\n")));
        assertEquals(List.of("header"), ApiHarness.problemFields(csv(key, "", "")));
        assertEquals(List.of("types"), ApiHarness.problemFields(csv(key, "?types=plan:money", "email,plan\n")));
        assertEquals(List.of("types"), ApiHarness.problemFields(csv(key, "?types=email:string", "email,plan\n")));
        assertEquals(List.of("final"), ApiHarness.problemFields(csv(key, "?final=maybe", "email\n")));
        assertEquals(415, send(key, "POST", "/v1/contacts/imports", "application/json", "{}".getBytes()).status());
        assertEquals(404, api.get(key, "/v1/contacts/imports/nope").status());
        assertEquals(List.of("id"), ApiHarness.problemFields(api.post(key, "/v1/contacts",
                "{\"id\": \"imports\", \"email\": \"x@example.com\"}")), "the imports' path is no contact's id");
    }

    @Test
    void aMalformedOrNonUtf8RowEndsThePartButKeepsTheRowsBeforeIt() throws Exception {
        byte[] body = "email,name\nq1@example.com,Q\nq2@example.com,\"unclosed\n".getBytes(StandardCharsets.UTF_8);
        JsonNode report = send(key, "POST", "/v1/contacts/imports", "text/csv", body).json();
        assertEquals(1, report.get("imported").getLongValue());
        assertEquals(1, report.get("failed").getLongValue());
        assertEquals(3, report.get("errors").get(0).get("line").getLongValue());
        assertTrue(report.get("errors").get(0).get("reason").getStringValue().startsWith("malformed CSV"));
        JsonNode huge = csv(key, "", "email,version\nv1@example.com,99999999999999999999\n").json();
        assertEquals(1, huge.get("failed").getLongValue(), huge.toString());
        assertEquals("version", huge.get("errors").get(0).get("field").getStringValue());
        byte[] latin1 = "{\"email\": \"q3@example.com\", \"name\": \"Zo\u00eb\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        JsonNode ndjson = send(key, "POST", "/v1/contacts/imports", "application/x-ndjson", latin1).json();
        assertEquals("not UTF-8", ndjson.get("errors").get(0).get("reason").getStringValue());
    }
}
