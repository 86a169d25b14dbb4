package dev.postdate.worker;

import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.clickhouse.templates.TemplateStore;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.TemplateRef;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.template.RenderBudgetExceededException;
import dev.postdate.core.template.TemplateRenderer;
import dev.postdate.core.template.TemplateSettings;
import dev.postdate.core.template.TemplateVersion;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile templates in a range (docs/security.md, "Render budget"): nested loops over a large data
 * list write nothing, so only the render budget stops them. Each such email fails alone with the
 * budget's reason while the rest of its range is sent, and the pass ends within what the budget
 * allows, not after the billions of iterations the template asks for.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileTemplateTest {

    private static final int NORMAL = 200;
    private static final int HOSTILE_EVERY = 40;
    /** 5,000^3 iterations asked for; data within the default max-data-elements (10,000). */
    private static final int HOSTILE_ITEMS = 5_000;
    private static final String HOSTILE_TEXT =
            "{% for a in items %}{% for b in items %}{% for c in items %}{% endfor %}{% endfor %}{% endfor %}";

    private WorkerFixture fixture;

    @BeforeAll
    void setUp() {
        fixture = new WorkerFixture(HostileTemplateTest.class);
    }

    @AfterAll
    void tearDown() throws Exception {
        fixture.close();
    }

    private static boolean hostile(int index) {
        return index % HOSTILE_EVERY == 7;
    }

    @Test
    void hostileTemplatesFailAloneAndTheRestOfTheRangeIsSent() throws Exception {
        String normal = "card-" + fixture.token;
        String nested = "nested-" + fixture.token;
        TemplateStore store = fixture.control.getBean(TemplateStore.class);
        store.insert(new TemplateVersion("acme", normal, 1, "Hi {{ name }}", null,
                "{% for i in items %}{{ i }};{% endfor %}", Instant.now()));
        store.insert(new TemplateVersion("acme", nested, 1, "Hi", null, HOSTILE_TEXT, Instant.now()));
        List<Integer> hugeList = IntStream.range(0, HOSTILE_ITEMS).boxed().toList();
        int total = NORMAL + NORMAL / HOSTILE_EVERY;
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", total,
                i -> "TEMPLATE:" + (hostile(i) ? nested : normal),
                i -> hostile(i) ? Map.of("items", hugeList) : Map.of("name", "Reader " + i, "items", List.of(i, i + 1, i + 2)));
        fixture.publish(WorkerFixture.rangeOf("budget-r0", emails, emails.size()));
        ApplicationContext worker = fixture.startWorker("w1", Map.of("postdate.worker.sender", "ses"));
        TemplateSettings settings = worker.getBean(TemplateSettings.class);

        // Each hostile render is stopped by the budget, within the configured time.
        EmailContent probe = new EmailContent(new Address("probe@example.com", null), new Address("news@example.org", null),
                null, null, null, null, new TemplateRef(nested, 1), Map.of("items", hugeList), Map.of(), List.of(), null, null, null);
        RenderBudgetExceededException stop = assertThrows(RenderBudgetExceededException.class,
                () -> worker.getBean(TemplateRenderer.class).render("acme", probe));
        assertEquals(settings.maxLoopIterations() + 1, stop.iterations());
        assertTrue(stop.elapsedMillis() <= settings.renderTimeout().toMillis(), stop.elapsedMillis() + " ms");

        // Even if every hostile render ran to its timeout on one thread, the pass would end within this.
        long hostileCount = IntStream.range(0, total).filter(HostileTemplateTest::hostile).count();
        Duration deadline = settings.renderTimeout().multipliedBy(hostileCount).plusSeconds(30);
        assertTrue(WorkerFixture.await(deadline, () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0),
                "range done within " + deadline);

        Set<String> delivered = fixture.sesEmails().stream().map(mail -> String.valueOf(mail.get("destination")))
                .collect(Collectors.toSet());
        for (int i = 0; i < total; i++) {
            WorkerFixture.Stored email = emails.get(i);
            boolean reached = delivered.stream().anyMatch(to -> to.contains(email.to()));
            if (hostile(i)) {
                assertEquals(EmailStatus.FAILED, fixture.state(email), email.id());
                EmailEvent failed = fixture.events(email).stream().filter(e -> e.state() == EmailStatus.FAILED)
                        .findFirst().orElseThrow();
                assertEquals("template " + nested + " v1 text: render budget exceeded: more than "
                        + settings.maxLoopIterations() + " loop iterations (line 1)", failed.detail());
                assertFalse(reached, "a hostile email was sent: " + email.to());
            } else {
                assertEquals(EmailStatus.SENT, fixture.state(email), email.id());
                assertTrue(reached, "not delivered: " + email.to());
            }
        }
        assertEquals(total - hostileCount, (long) WorkerFixture.metrics(worker).sentCount());
    }
}
