package dev.postdate.worker;

import dev.postdate.clickhouse.templates.TemplateStore;
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
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Template emails go out rendered with each recipient's own data, html escaped, text not. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplateDeliveryTest {

    private WorkerFixture fixture;

    @BeforeAll
    void setUp() {
        fixture = new WorkerFixture(TemplateDeliveryTest.class);
    }

    @AfterAll
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachRecipientGetsTheTemplateRenderedWithTheirData() throws Exception {
        String name = "welcome-" + fixture.token;
        fixture.control.getBean(TemplateStore.class).insert(new TemplateVersion("acme", name, 1,
                "Welcome {{ name }}", "<p>Hello {{ name }}, you have {{ points }} points</p>",
                "Hello {{ name }}, you have {{ points }} points", Instant.now()));
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 5, i -> "TEMPLATE:" + name);
        fixture.publish(WorkerFixture.rangeOf("tpl-d0", emails, emails.size()));
        ApplicationContext worker = fixture.startWorker("w1", Map.of("postdate.worker.sender", "ses"));

        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0),
                "range done");
        Map<String, Map<String, Object>> byRecipient = fixture.sesEmails().stream().collect(Collectors.toMap(
                mail -> ((List<String>) ((Map<String, Object>) mail.get("destination")).get("to")).getFirst(),
                mail -> mail));
        for (int i = 0; i < emails.size(); i++) {
            WorkerFixture.Stored email = emails.get(i);
            Map<String, Object> mail = byRecipient.entrySet().stream()
                    .filter(e -> e.getKey().contains(email.to())).findFirst().orElseThrow().getValue();
            Map<String, Object> body = (Map<String, Object>) mail.get("body");
            assertEquals("Welcome Reader <" + i + ">", mail.get("subject"));
            assertEquals("<p>Hello Reader &lt;" + i + "&gt;, you have " + (i * 10) + " points</p>", body.get("html"));
            assertEquals("Hello Reader <" + i + ">, you have " + (i * 10) + " points", body.get("text"));
        }
        assertEquals(emails.size(), (int) WorkerFixture.metrics(worker).sentCount());
    }
}
