package dev.postdate.worker;

import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.state.EmailStatus;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Through aws-ses-v2-local: each email once, personalized, with its headers; duplicates of the range change nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SesDeliveryTest {

    private WorkerFixture fixture;

    @BeforeAll
    void setUp() {
        fixture = new WorkerFixture(getClass());
    }

    @AfterAll
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void sendsEachEmailOnceAndDropsRepeatedRanges() throws Exception {
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 12);
        RangeMessage range = WorkerFixture.rangeOf("t1-d0", emails, emails.size());
        // The ranger emitted the range twice (restart): two SQS messages, one range id.
        fixture.publish(range);
        fixture.publish(range);
        ApplicationContext worker = fixture.startWorker("w1", Map.of("postdate.worker.sender", "ses"));

        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0),
                "both messages deleted");
        List<Map<String, Object>> received = fixture.sesEmails();
        Map<String, Long> perRecipient = received.stream().collect(Collectors.groupingBy(
                e -> ((List<String>) ((Map<String, Object>) e.get("destination")).get("to")).getFirst(), Collectors.counting()));
        assertEquals(emails.size(), perRecipient.size(), "every recipient got mail");
        perRecipient.forEach((to, count) -> assertEquals(1L, count, to + " got exactly one"));

        Map<String, WorkerFixture.Stored> byRecipient = emails.stream()
                .collect(Collectors.toMap(WorkerFixture.Stored::to, Function.identity()));
        for (Map<String, Object> mail : received) {
            String to = ((List<String>) ((Map<String, Object>) mail.get("destination")).get("to")).getFirst();
            WorkerFixture.Stored email = byRecipient.get(to.substring(to.indexOf('<') + 1).replace(">", ""));
            int i = emails.indexOf(email);
            assertEquals(email.subject(), mail.get("subject"));
            Map<String, Object> body = (Map<String, Object>) mail.get("body");
            assertEquals("<p>Hi reader " + i + "</p>", body.get("html"));
            assertEquals("Hi reader " + i, body.get("text"));
            String headers = String.valueOf(mail.get("headers"));
            assertTrue(headers.contains("X-Campaign") && headers.contains("c-" + fixture.token), headers);
            assertTrue(headers.contains("Message-ID") && headers.contains("@postdate.local>"), headers);
        }

        // Outcomes in ClickHouse: sent with SES's message id, visible the way the api reads them.
        for (WorkerFixture.Stored email : emails) {
            assertTrue(WorkerFixture.await(Duration.ofSeconds(5), () -> fixture.state(email) == EmailStatus.SENT));
            EmailEvent sent = fixture.events(email).stream().filter(e -> e.state() == EmailStatus.SENT).findFirst().orElseThrow();
            assertTrue(received.stream().anyMatch(m -> sent.detail().equals(m.get("messageId"))), sent.detail());
            assertEquals(1, fixture.events(email).stream().filter(e -> e.state() == EmailStatus.SENT).count());
            assertEquals(EmailStatus.QUEUED, fixture.events(email).getFirst().state());
        }
        assertEquals(emails.size(), (int) WorkerFixture.metrics(worker).sentCount());

        // Emitted a third time, after completion: dropped at once, nothing sent.
        fixture.publish(range);
        assertTrue(WorkerFixture.await(Duration.ofSeconds(15), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
        assertEquals(emails.size(), fixture.sesEmails().size());
        assertEquals(emails.size(), WorkerFixture.recorder(worker).calls.size(), "no provider call for repeats");
    }

    @Test
    void theSameMessageDeliveredTwiceIsWorkedOnce() {
        RangeLedger ledger = fixture.control.getBean(RangeLedger.class);
        String messageId = "m-" + fixture.token;
        assertTrue(ledger.takeMessage(messageId, Duration.ofSeconds(10)));
        assertTrue(!ledger.takeMessage(messageId, Duration.ofSeconds(10)), "a second delivery is dropped while worked");
        ledger.releaseMessage(messageId);
        assertTrue(ledger.takeMessage(messageId, Duration.ofSeconds(10)), "handed back, it can be worked again");
    }
}
