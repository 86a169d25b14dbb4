package dev.postdate.api;

import dev.postdate.api.auth.ApiKeyCache;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.email.TemplateRef;
import dev.postdate.core.template.RenderedEmail;
import dev.postdate.core.template.TemplateRenderer;
import dev.postdate.core.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /v1/templates and template references at intake, against real ClickHouse, Redis and SQS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplatesTest {

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

    private static String template(String name, String subject, String html, String text) {
        StringBuilder out = new StringBuilder("{\"name\":").append(quote(name)).append(",\"subject\":").append(quote(subject));
        if (html != null) {
            out.append(",\"html\":").append(quote(html));
        }
        if (text != null) {
            out.append(",\"text\":").append(quote(text));
        }
        return out.append('}').toString();
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private int save(String k, String name, String subject, String html, String text) throws Exception {
        ApiHarness.Response response = api.post(k, "/v1/templates", template(name, subject, html, text));
        assertEquals(201, response.status(), response.body());
        assertEquals(name, response.json().get("name").getStringValue());
        return response.json().get("version").getIntValue();
    }


    @Test
    void savesMakeNewVersionsThatReadBack() throws Exception {
        assertEquals(1, save(key, "welcome", "Hi {{ name }}", "<p>Hello {{ name }}</p>", null));
        assertEquals(2, save(key, "welcome", "Hello {{ name }}", "<p>Hey {{ name }}</p>", "Hey {{ name }}"));

        ApiHarness.Response current = api.get(key, "/v1/templates/welcome");
        assertEquals(200, current.status(), current.body());
        assertEquals(2, current.json().get("version").getIntValue());
        assertEquals("Hey {{ name }}", current.json().get("text").getStringValue());
        List<Integer> versions = new ArrayList<>();
        current.json().get("versions").values().forEach(v -> versions.add(v.get("version").getIntValue()));
        assertEquals(List.of(1, 2), versions);

        ApiHarness.Response v1 = api.get(key, "/v1/templates/welcome/versions/1");
        assertEquals(200, v1.status(), v1.body());
        assertEquals("<p>Hello {{ name }}</p>", v1.json().get("html").getStringValue());
        assertTrue(v1.json().get("text") == null || v1.json().get("text").isNull(), v1.body());

        assertEquals(404, api.get(key, "/v1/templates/welcome/versions/3").status());
        assertEquals(404, api.get(key, "/v1/templates/welcome/versions/x").status());
        assertEquals(404, api.get(key, "/v1/templates/nope").status());
    }

    @Test
    void concurrentSavesNeverShareAVersion() throws Exception {
        int saves = 12;
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < saves; i++) {
            int n = i;
            calls.add(() -> save(key, "race", "S" + n, null, "T" + n));
        }
        Set<Integer> versions = new HashSet<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(saves)) {
            for (Future<Integer> f : pool.invokeAll(calls)) {
                versions.add(f.get());
            }
        }
        Set<Integer> expected = new HashSet<>();
        for (int v = 1; v <= saves; v++) {
            expected.add(v);
        }
        assertEquals(expected, versions);
        assertEquals(saves, api.get(key, "/v1/templates/race").json().get("versions").size());
    }

    @Test
    void anotherTenantsTemplateIsNotFound() throws Exception {
        save(key, "private", "Secret", null, "secret body");
        assertEquals(404, api.get(otherKey, "/v1/templates/private").status());
        assertEquals(404, api.get(otherKey, "/v1/templates/private/versions/1").status());
        ApiHarness.Response preview = api.post(otherKey, "/v1/templates/private/preview", "{\"data\":{}}");
        assertEquals(404, preview.status(), preview.body());
        assertFalse(preview.body().contains("secret body"));
        assertEquals(1, save(otherKey, "private", "Mine", null, "mine"), "versions are counted per tenant");
    }

    @Test
    void previewRendersWithSampleDataAndEscapesHtmlOnly() throws Exception {
        int v = save(key, "preview", "Hi {{ name }}", "<p>{{ name }}</p>", "Text {{ name }}");
        ApiHarness.Response ok = api.post(key, "/v1/templates/preview/preview",
                "{\"data\":{\"name\":\"<script>x</script>\"}}");
        assertEquals(200, ok.status(), ok.body());
        assertEquals(v, ok.json().get("version").getIntValue());
        assertEquals("<p>&lt;script&gt;x&lt;/script&gt;</p>", ok.json().get("html").getStringValue());
        assertEquals("Text <script>x</script>", ok.json().get("text").getStringValue());
        assertEquals("Hi <script>x</script>", ok.json().get("subject").getStringValue());

        ApiHarness.Response missing = api.post(key, "/v1/templates/preview/preview",
                "{\"data\":{\"other\":1},\"version\":" + v + "}");
        assertEquals(422, missing.status(), missing.body());
        assertEquals(ProblemResponses.MEDIA_TYPE, missing.contentType());
        assertTrue(missing.json().get("detail").getStringValue().contains("variable 'name' is missing (line 1)"), missing.body());
    }

    @Test
    void aSyntaxErrorIsA422NamingThePartAndLine() throws Exception {
        ApiHarness.Response response = api.post(key, "/v1/templates",
                template("broken", "Hello", "<p>a</p>\n<p>b</p>\n{% if x %}never closed", "fine {{ x }}"));
        assertEquals(422, response.status(), response.body());
        assertEquals(ProblemResponses.MEDIA_TYPE, response.contentType());
        assertEquals(List.of("html"), ApiHarness.problemFields(response));
        assertTrue(response.json().get("errors").get(0).get("message").getStringValue().startsWith("line 3: "), response.body());
        assertEquals(404, api.get(key, "/v1/templates/broken").status(), "nothing saved");

        assertEquals(List.of("name"), ApiHarness.problemFields(api.post(key, "/v1/templates", template("Bad Name", "s", null, "t"))));
        assertEquals(List.of(""), ApiHarness.problemFields(api.post(key, "/v1/templates", template("nobody", "s", null, null))));
        assertEquals(List.of("subject"), ApiHarness.problemFields(api.post(key, "/v1/templates", "{\"name\":\"x\",\"text\":\"t\"}")));
    }

    @Test
    void hostileTemplatesAreRejectedOrFailHarmlessly() throws Exception {
        for (String hostile : List.of("{% include '/etc/passwd' %}", "{% import 'x' %}", "{% extends 'x' %}")) {
            ApiHarness.Response response = api.post(key, "/v1/templates", template("hostile", "s", null, hostile));
            assertEquals(422, response.status(), hostile + " -> " + response.body());
            assertEquals(List.of("text"), ApiHarness.problemFields(response), hostile);
            assertFalse(response.body().contains("root:"), "no file content: " + response.body());
        }
        for (String hostile : List.of("{{ name.getClass() }}", "{{ name.getClass().forName('java.lang.Runtime') }}")) {
            ApiHarness.Response saved = api.post(key, "/v1/templates", template("methods", "s", null, hostile));
            if (saved.status() == 201) {
                ApiHarness.Response preview = api.post(key, "/v1/templates/methods/preview",
                        "{\"data\":{\"name\":\"Ada\"}}");
                assertEquals(422, preview.status(), hostile + " -> " + preview.body());
                assertFalse(preview.body().contains("java.lang.String"), preview.body());
                assertFalse(preview.body().contains("Runtime@"), preview.body());
            } else {
                assertEquals(422, saved.status(), hostile + " -> " + saved.body());
            }
        }
    }

    @Test
    void anEmailIsPinnedToTheVersionCurrentWhenAcceptedAndRendersAsIt() throws Exception {
        assertEquals(1, save(key, "pinned", "Hi {{ name }}", null, "first edition for {{ name }}"));
        String email = "{\"to\":\"ada@example.com\",\"from\":\"news@example.org\",\"template\":{\"name\":\"pinned\"},"
                + "\"data\":{\"name\":\"Ada\"}}";
        ApiHarness.Response accepted = api.post(key, "/v1/emails", email);
        assertEquals(202, accepted.status(), accepted.body());
        assertEquals(2, save(key, "pinned", "Changed", null, "second edition"));

        ScheduledEmail queued = api.awaitIntake(1).getFirst();
        assertEquals(new TemplateRef("pinned", 1), queued.content().template());
        RenderedEmail rendered = api.bean(TemplateRenderer.class).render(queued.tenant(), queued.content());
        assertEquals(new RenderedEmail("Hi Ada", null, "first edition for Ada"), rendered);

        assertEquals(202, api.post(key, "/v1/emails", email).status());
        assertEquals(new TemplateRef("pinned", 2), api.awaitIntake(1).getFirst().content().template(), "now v2 is current");
    }

    @Test
    void unknownTemplatesAndVersionsAre422sNamingTheEmail() throws Exception {
        save(key, "known", "s", null, "t");
        String base = "{\"to\":\"ada@example.com\",\"from\":\"news@example.org\",\"template\":";
        ApiHarness.Response response = api.post(key, "/v1/emails/batch", ApiHarness.batch(List.of(
                base + "{\"name\":\"known\"}}",
                base + "{\"name\":\"unknown\"}}",
                base + "{\"name\":\"known\",\"version\":9}}",
                base + "{\"name\":\"unknown\",\"version\":1}}",
                base + "{\"name\":\"known\"},\"html\":\"<p/>\"}")));
        assertEquals(422, response.status(), response.body());
        assertEquals(List.of("emails[4].html", "emails[1].template.name", "emails[2].template.version",
                "emails[3].template.name"), ApiHarness.problemFields(response));
        ApiHarness.Response otherTenant = api.post(otherKey, "/v1/emails", base + "{\"name\":\"known\"}}");
        assertEquals(List.of("template.name"), ApiHarness.problemFields(otherTenant));
        api.assertIntakeEmpty();
    }

    @Test
    void storedVersionsAreNeverReadAgainOnceCompiled() throws Exception {
        save(key, "hot", "S {{ n }}", "<i>{{ n }}</i>", null);
        TemplateRenderer renderer = api.bean(TemplateRenderer.class);
        String tenant = ((ApiKeyCache.Verdict.Accepted) api.bean(ApiKeyCache.class).authenticate(key)).tenant();
        assertEquals("<i>1</i>", renderer.render(tenant, hot(1)).html());
        // Remove the stored row: cache hits must not need ClickHouse.
        ClickHouseSql sql = api.bean(ClickHouseSql.class);
        sql.execute("ALTER TABLE " + sql.table("templates") + " DELETE WHERE name = 'hot'");
        Await.until(Duration.ofSeconds(5), () -> sql.select("SELECT count() FROM " + sql.table("templates")
                + " WHERE name = 'hot'").getFirst().getFirst().equals("0"));
        assertEquals(404, api.get(key, "/v1/templates/hot").status(), "the row is gone");
        for (int i = 0; i < 100; i++) {
            assertEquals("S " + i, renderer.render(tenant, hot(i)).subject());
        }
    }

    private static EmailContent hot(int n) {
        return new EmailContent(new Address("a@example.com", null), new Address("b@example.org", null), null, null,
                null, null, new TemplateRef("hot", 1), Map.of("n", n), Map.of(), List.of(), null, null, null);
    }
}
