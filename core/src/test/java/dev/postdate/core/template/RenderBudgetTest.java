package dev.postdate.core.template;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The render budget: loop iterations and time per email render (docs/security.md, "Render budget"). */
class RenderBudgetTest {

    private static final int MAX_ITERATIONS = 1_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** A clock that moves one second forward each time it is read: time passes only as the render reads it. */
    private static final class SteppingClock extends Clock {
        private Instant now = Instant.EPOCH;

        @Override
        public Instant instant() {
            Instant read = now;
            now = now.plusSeconds(1);
            return read;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private static TemplateSettings settings(int maxDataElements) {
        return new TemplateSettings(10, 262_144, 2_000_000, MAX_ITERATIONS, TIMEOUT, 64, maxDataElements, 10_000_000);
    }

    private static RenderedEmail render(TemplateSandbox sandbox, String html, Map<String, Object> data) {
        TemplateVersion version = new TemplateVersion("t", "hostile", 2, "Hi", html, null, Instant.EPOCH);
        return sandbox.render(sandbox.compile(version), data);
    }

    private static List<Integer> numbers(int count) {
        return IntStream.range(0, count).boxed().toList();
    }

    @Test
    void nestedLoopsWithoutOutputStopAtTheIterationBudget() {
        // The case: 50,000 x 50,000 iterations that write nothing, so the output cap never trips.
        TemplateSandbox sandbox = new TemplateSandbox(settings(100_000), Clock.systemUTC());
        RenderBudgetExceededException stop = assertThrows(RenderBudgetExceededException.class, () -> render(sandbox,
                "<p>\n{% for a in items %}{% for b in items %}{% endfor %}{% endfor %}</p>", Map.of("items", numbers(50_000))));
        assertEquals("template hostile v2 html: render budget exceeded: more than 1000 loop iterations (line 2)",
                stop.getMessage());
        assertEquals(MAX_ITERATIONS + 1, stop.iterations());
    }

    @Test
    void everyLoopAndPartOfOneEmailShareOneBudget() {
        TemplateSandbox sandbox = new TemplateSandbox(settings(10_000), Clock.systemUTC());
        TemplateVersion version = new TemplateVersion("t", "split", 1, "{% for i in items %}{% endfor %}x",
                "{% for i in items %}{% endfor %}", "{% for i in items %}{% endfor %}", Instant.EPOCH);
        CompiledTemplate compiled = sandbox.compile(version);
        // 3 x 333 fit, 3 x 334 do not: the text part is where the email runs out.
        assertEquals("x", sandbox.render(compiled, Map.of("items", numbers(333))).subject());
        RenderBudgetExceededException stop = assertThrows(RenderBudgetExceededException.class,
                () -> sandbox.render(compiled, Map.of("items", numbers(334))));
        assertTrue(stop.getMessage().startsWith("template split v1 text: "), stop.getMessage());
        // Each email starts afresh.
        assertEquals("x", sandbox.render(compiled, Map.of("items", numbers(333))).subject());
    }

    @Test
    void aRenderOverTheTimeoutStopsAtTheNextIteration() {
        // Every read of the clock is a second later. The budget reads it at the start and at iterations
        // 1, 33 and 65 (every 32nd): 1 s, 2 s, then 3 s, past the timeout.
        TemplateSandbox sandbox = new TemplateSandbox(settings(10_000), new SteppingClock());
        RenderBudgetExceededException stop = assertThrows(RenderBudgetExceededException.class,
                () -> render(sandbox, "{% for i in items %}{{ i }}{% endfor %}", Map.of("items", numbers(100))));
        assertEquals("template hostile v2 html: render budget exceeded: rendering took more than 2000 ms (line 1)",
                stop.getMessage());
        assertEquals(65, stop.iterations());
        assertEquals(3_000, stop.elapsedMillis());
    }

    @Test
    void aStopInsideAFilterTagOrOverSplitTextIsStillTheBudget() {
        TemplateSandbox sandbox = new TemplateSandbox(settings(10_000), Clock.systemUTC());
        assertThrows(RenderBudgetExceededException.class, () -> render(sandbox,
                "{% filter upper %}{% for a in items %}{% for b in items %}x{% endfor %}{% endfor %}{% endfilter %}",
                Map.of("items", numbers(100))));
        // split gives an array: its iterations count too.
        assertThrows(RenderBudgetExceededException.class, () -> render(sandbox,
                "{% for a in text | split('') %}{% for b in text | split('') %}{% endfor %}{% endfor %}",
                Map.of("text", "y".repeat(100))));
    }

    @Test
    void setCannotDoubleAValueUntilTheHeapIsFull() {
        // 40 doublings would be 2^40 characters; the output cap alone would only see them when printed.
        TemplateSandbox sandbox = new TemplateSandbox(new TemplateSettings(10, 262_144, 1_000, MAX_ITERATIONS, TIMEOUT,
                64, 100, 10_000_000), Clock.systemUTC());
        RenderBudgetExceededException text = assertThrows(RenderBudgetExceededException.class, () -> render(sandbox,
                "{% set s = 'xx' %}\n{% for i in items %}{% set s = s ~ s %}{% endfor %}{{ s }}", Map.of("items", numbers(40))));
        assertEquals("template hostile v2 html: render budget exceeded: a variable set to more than 1000 characters (line 2)",
                text.getMessage());
        RenderBudgetExceededException list = assertThrows(RenderBudgetExceededException.class, () -> render(sandbox,
                "{% set l = [1, 2] %}{% for i in items %}{% set l = l | merge(l) %}{% endfor %}{{ l | length }}",
                Map.of("items", numbers(40))));
        assertTrue(list.getMessage().endsWith("a variable set to more than 100 values (line 1)"), list.getMessage());
        // Within the limits set works as before, also in a loop.
        assertEquals("xxxxxxxx 8", render(sandbox, "{% set s = 'x' %}{% set l = [1] %}{% for i in items %}{% set s = s ~ s %}"
                + "{% set l = l | merge(l) %}{% endfor %}{{ s }} {{ l | length }}", Map.of("items", numbers(3))).html());
    }

    @Test
    void loopsWithinTheBudgetRenderAsBefore() {
        TemplateSandbox sandbox = new TemplateSandbox(settings(10_000), Clock.systemUTC());
        assertEquals("a;b;c;", render(sandbox, "{% for w in words %}{{ w }};{% endfor %}",
                Map.of("words", List.of("a", "b", "c"))).html());
        assertEquals("none", render(sandbox, "{% for w in words %}{{ w }}{% else %}none{% endfor %}",
                Map.of("words", List.of())).html());
        assertEquals("abc", render(sandbox, "{% for w in text | split(',') %}{{ w }}{% endfor %}", Map.of("text", "a,b,c")).html());
        assertEquals("..", render(sandbox, "{% for e in map %}.{% endfor %}", Map.of("map", Map.of("x", 1, "y", 2))).html());
        assertEquals("", render(sandbox, "{% for w in missing %}{{ w }}{% endfor %}", Collections.singletonMap("missing", null)).html());
        RenderException notIterable = assertThrows(RenderException.class,
                () -> render(sandbox, "{% for w in n %}{{ w }}{% endfor %}", Map.of("n", 5)));
        assertTrue(notIterable.getMessage().contains("Not an iterable object"), notIterable.getMessage());
        // Exactly the budget is allowed.
        assertEquals("done", render(sandbox, "{% for a in items %}{% endfor %}done", Map.of("items", numbers(MAX_ITERATIONS))).html());
    }

    @Test
    void dataOverItsLimitsIsRefusedBeforeRendering() {
        TemplateSandbox sandbox = new TemplateSandbox(TemplateSettings.defaults(), Clock.systemUTC());
        RenderException tooMany = assertThrows(RenderException.class,
                () -> render(sandbox, "{{ items | length }}", Map.of("items", numbers(50_000))));
        assertEquals("template hostile v2: data holds more than 10000 values", tooMany.getMessage());
    }
}
