package dev.postdate.core.template;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sandbox alone: what compiles, what renders, what is refused. */
class TemplateSandboxTest {

    private final TemplateSandbox sandbox = new TemplateSandbox(TemplateSettings.defaults(), Clock.systemUTC());

    private RenderedEmail render(String subject, String html, String text, Map<String, Object> data) {
        TemplateVersion version = new TemplateVersion("t", "welcome", 3, subject, html, text, Instant.EPOCH);
        return sandbox.render(sandbox.compile(version), data);
    }

    @Test
    void rendersEveryPartWithTheData() {
        RenderedEmail email = render("Hi {{ name }}", "<p>{% for i in items %}{{ i.title }};{% endfor %}</p>",
                "{{ name | upper }} has {{ items | length }} items, first {{ items[0].title }}",
                Map.of("name", "Ada", "items", List.of(Map.of("title", "a"), Map.of("title", "b"))));
        assertEquals("Hi Ada", email.subject());
        assertEquals("<p>a;b;</p>", email.html());
        assertEquals("ADA has 2 items, first a", email.text());
    }

    @Test
    void aSyntaxErrorNamesThePartAndTheLine() {
        List<TemplateProblem> problems = sandbox.check("Hello", "<p>one</p>\n<p>two</p>\n{% if name %}<p>{{ name }}</p>", null);
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("html", problems.getFirst().part());
        assertEquals(3, problems.getFirst().line(), problems.toString());
        assertFalse(problems.getFirst().reason().contains("own-"), "no internal names: " + problems);

        List<TemplateProblem> text = sandbox.check("Hello", null, "line\n{{ name ");
        assertEquals("text", text.getFirst().part());
        assertEquals(2, text.getFirst().line(), text.toString());
    }

    @Test
    void savingNeedsASubjectOnOneLineAndABody() {
        assertEquals(List.of("subject", ""), sandbox.check(null, null, null).stream().map(TemplateProblem::part).toList());
        assertEquals("subject", sandbox.check("a\nb", "<p/>", null).getFirst().part());
        assertEquals(List.of(), sandbox.check("Hi {{ name }}", null, "text only"));
        TemplateSandbox small = new TemplateSandbox(new TemplateSettings(10, 100, 1000, 100_000, Duration.ofSeconds(2), 64, 10_000, 102_400), Clock.systemUTC());
        assertTrue(small.check("s", "x".repeat(100), null).getFirst().reason().contains("more than 100"));
    }

    @Test
    void fileAndTemplateLoadingTagsAreRejectedAtSave() {
        for (String hostile : List.of("{% include '/etc/passwd' %}", "{% import 'x' %}", "{% extends 'x' %}",
                "{% from 'x' import y %}", "{% embed 'x' %}{% endembed %}", "{% cache 'k' %}x{% endcache %}",
                "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "{% block b %}x{% endblock %}",
                "{% for i in 0..2000000000 %}{% endfor %}")) {
            List<TemplateProblem> problems = sandbox.check("Hello", "<p>x</p>\n" + hostile, null);
            assertEquals(1, problems.size(), hostile + " -> " + problems);
            assertEquals("html", problems.getFirst().part(), hostile);
            assertEquals(2, problems.getFirst().line(), hostile + " -> " + problems);
            assertTrue(problems.getFirst().reason().contains("not allowed") || hostile.contains(".."),
                    hostile + " -> " + problems);
        }
    }

    @Test
    void disallowedFunctionsFailAtRender() {
        for (String hostile : List.of("{{ i18n('messages', 'x') }}", "{{ range(0, 3) }}", "{{ parent() }}",
                "{% for i in range(0, 2000000000) %}{% endfor %}")) {
            RenderException e = assertThrows(RenderException.class, () -> render("s", null, hostile, Map.of()), hostile);
            assertTrue(e.getMessage().startsWith("template welcome v3 text: "), e.getMessage());
        }
    }

    @Test
    void methodCallsFailHarmlesslyAtRender() {
        for (String hostile : List.of("{{ name.getClass() }}", "{{ name.getClass().forName('java.lang.Runtime') }}",
                "{{ name.class }}", "{{ name.bytes }}", "{{ name.length() }}", "{{ data.getClass().getClassLoader() }}")) {
            RenderException e = assertThrows(RenderException.class,
                    () -> render("s", null, "x " + hostile, Map.of("name", "Ada", "data", Map.of("k", "v"))), hostile);
            assertTrue(e.getMessage().startsWith("template welcome v3 text: "), e.getMessage());
            assertFalse(e.getMessage().contains("java.lang"), e.getMessage());
        }
    }

    @Test
    void htmlIsAutoescapedButSubjectAndTextAreNot() {
        RenderedEmail email = render("{{ x }}", "<p>{{ x }}</p>", "{{ x }}", Map.of("x", "<script>alert('a&b')</script>"));
        assertEquals("<p>&lt;script&gt;alert(&#39;a&amp;b&#39;)&lt;/script&gt;</p>", email.html());
        assertEquals("<script>alert('a&b')</script>", email.text());
        assertEquals("<script>alert('a&b')</script>", email.subject());
    }

    @Test
    void aMissingVariableNamesTheVariableAndLine() {
        RenderException e = assertThrows(RenderException.class,
                () -> render("Hi", "<p>Dear</p>\n<p>{{ first_name }}</p>", null, Map.of("name", "Ada")));
        assertEquals("template welcome v3 html: variable 'first_name' is missing (line 2)", e.getMessage());
        RenderException nested = assertThrows(RenderException.class,
                () -> render("Hi {{ user.first }}", null, "x", Map.of("user", Map.of("last", "L"))));
        assertTrue(nested.getMessage().contains("'first'"), nested.getMessage());
        assertThrows(RenderException.class, () -> render("Hi {{ a }}", null, "x", null));
    }

    @Test
    void aRenderedSubjectMustStayOnOneLine() {
        RenderException e = assertThrows(RenderException.class,
                () -> render("Hi {{ name }}", null, "x", Map.of("name", "Ada\r\nBcc: evil@example.com")));
        assertTrue(e.getMessage().contains("line break"), e.getMessage());
    }

    @Test
    void renderedOutputIsCapped() {
        TemplateSandbox small = new TemplateSandbox(new TemplateSettings(10, 1000, 100, 100_000, Duration.ofSeconds(2), 64, 10_000, 102_400), Clock.systemUTC());
        TemplateVersion v = new TemplateVersion("t", "big", 1, "s", null,
                "{% for i in items %}{{ i }}{% endfor %}", Instant.EPOCH);
        assertThrows(RenderException.class, () -> small.render(small.compile(v),
                Map.of("items", java.util.Collections.nCopies(1000, "0123456789"))));
        assertNull(small.render(small.compile(v), Map.of("items", List.of("ok"))).html());
    }
}
