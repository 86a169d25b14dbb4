package dev.postdate.core.template;

import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.TemplateRef;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The renderer over an in-memory source that counts its reads (the ClickHouse store has its own test). */
class PebbleTemplateRendererTest {

    /** Versions by tenant/name/version, counting every read. */
    private static final class CountingSource implements TemplateSource {
        final Map<String, TemplateVersion> versions = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        void add(TemplateVersion v) {
            versions.put(v.tenant() + "/" + v.name() + "/" + v.version(), v);
        }

        @Override
        public Optional<TemplateVersion> find(String tenant, String name, int version) {
            reads.incrementAndGet();
            return Optional.ofNullable(versions.get(tenant + "/" + name + "/" + version));
        }

        @Override
        public Optional<TemplateVersion> latest(String tenant, String name) {
            reads.incrementAndGet();
            return versions.values().stream().filter(v -> v.tenant().equals(tenant) && v.name().equals(name))
                    .max((a, b) -> Integer.compare(a.version(), b.version()));
        }
    }

    private final CountingSource source = new CountingSource();
    private final PebbleTemplateRenderer renderer = new PebbleTemplateRenderer(source,
            new TemplateSandbox(TemplateSettings.defaults(), Clock.systemUTC()), TemplateSettings.defaults());

    private static EmailContent email(TemplateRef ref, Map<String, Object> data) {
        return new EmailContent(new Address("ada@example.com", "Ada"), new Address("news@example.org", null), null,
                null, null, null, ref, data, Map.of(), List.of(), null, null, null);
    }

    @Test
    void literalEmailsAreReturnedAsTheyAre() {
        EmailContent literal = new EmailContent(new Address("a@example.com", null), new Address("b@example.org", null),
                null, "Hi {{ x }}", "<p>{{ x }}</p>", "t", null, Map.of(), Map.of(), List.of(), null, null, null);
        assertEquals(new RenderedEmail("Hi {{ x }}", "<p>{{ x }}</p>", "t"), renderer.render("acme", literal));
        assertEquals(0, source.reads.get());
    }

    @Test
    void compiledVersionsAreCachedSoRepeatedRendersReadNothing() {
        source.add(new TemplateVersion("acme", "welcome", 1, "Hi {{ name }}", "<b>{{ name }}</b>", null, Instant.EPOCH));
        for (int i = 0; i < 1000; i++) {
            RenderedEmail email = renderer.render("acme", email(new TemplateRef("welcome", 1), Map.of("name", "n" + i)));
            assertEquals("Hi n" + i, email.subject());
            assertEquals("<b>n" + i + "</b>", email.html());
        }
        assertEquals(1, source.reads.get(), "one read for the first render, none after");
    }

    @Test
    void textBodiesKeepTheLineBreaksAfterTags() {
        source.add(new TemplateVersion("acme", "lines", 1, "Hi", null,
                "Hi {{ name }}\nYour code: {{ code }}\n{% for p in picks %}- {{ p }}\n{% endfor %}Bye", Instant.EPOCH));
        RenderedEmail email = renderer.render("acme", email(new TemplateRef("lines", 1),
                Map.of("name", "Ada", "code", "X1", "picks", List.of("lamp", "kettle"))));
        assertEquals("Hi Ada\nYour code: X1\n- lamp\n- kettle\nBye", email.text());
    }

    @Test
    void versionsAndTenantsAreKeptApart() {
        source.add(new TemplateVersion("acme", "welcome", 1, "v1", null, "one", Instant.EPOCH));
        source.add(new TemplateVersion("acme", "welcome", 2, "v2", null, "two", Instant.EPOCH));
        assertEquals("one", renderer.render("acme", email(new TemplateRef("welcome", 1), null)).text());
        assertEquals("two", renderer.render("acme", email(new TemplateRef("welcome", 2), null)).text());
        assertEquals("two", renderer.render("acme", email(new TemplateRef("welcome", null), null)).text(), "unpinned: latest");
        RenderException other = assertThrows(RenderException.class,
                () -> renderer.render("globex", email(new TemplateRef("welcome", 1), null)));
        assertEquals("template welcome v1 does not exist", other.getMessage());
        assertThrows(RenderException.class, () -> renderer.render("acme", email(new TemplateRef("welcome", 3), null)));
    }

    @Test
    void theEmailsOwnSubjectReplacesTheTemplates() {
        source.add(new TemplateVersion("acme", "welcome", 1, "Template {{ n }}", null, "{{ n }}", Instant.EPOCH));
        EmailContent c = email(new TemplateRef("welcome", 1), Map.of("n", "x"));
        EmailContent withSubject = new EmailContent(c.to(), c.from(), null, "Own", null, null, c.template(), c.data(),
                Map.of(), List.of(), null, null, null);
        assertEquals(new RenderedEmail("Own", null, "x"), renderer.render("acme", withSubject));
    }

    @Test
    void inABatchOnlyTheEmailMissingAVariableFails() {
        source.add(new TemplateVersion("acme", "welcome", 3, "Hi", "<p>Dear</p>\n<p>{{ first_name }}</p>", null, Instant.EPOCH));
        List<Map<String, Object>> data = List.of(Map.of("first_name", "Ada"), Map.of("name", "Bob"), Map.of("first_name", "Cy"));
        List<String> outcomes = new ArrayList<>();
        for (Map<String, Object> d : data) {
            try {
                outcomes.add(renderer.render("acme", email(new TemplateRef("welcome", 3), d)).html());
            } catch (RenderException e) {
                outcomes.add("failed: " + e.getMessage());
            }
        }
        assertEquals(List.of("<p>Dear</p>\n<p>Ada</p>",
                "failed: template welcome v3 html: variable 'first_name' is missing (line 2)",
                "<p>Dear</p>\n<p>Cy</p>"), outcomes);
    }

    @Test
    void theCacheIsBounded() {
        PebbleTemplateRenderer small = new PebbleTemplateRenderer(source,
                new TemplateSandbox(TemplateSettings.defaults(), Clock.systemUTC()), new TemplateSettings(2, 1000, 1000, 100_000, Duration.ofSeconds(2), 64, 10_000, 102_400));
        for (int v = 1; v <= 50; v++) {
            source.add(new TemplateVersion("acme", "t", v, "s", null, "v" + v, Instant.EPOCH));
        }
        for (int v = 1; v <= 50; v++) {
            assertEquals("v" + v, small.render("acme", email(new TemplateRef("t", v), null)).text());
        }
        int before = source.reads.get();
        for (int v = 1; v <= 50; v++) {
            small.render("acme", email(new TemplateRef("t", v), null));
        }
        assertTrue(source.reads.get() - before > 40, "evicted versions are read again: " + (source.reads.get() - before));
    }
}
