package dev.postdate.worker;

import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.clickhouse.contacts.Contact;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.clickhouse.contacts.ContactStore;
import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import dev.postdate.core.state.EmailStatus;
import io.micronaut.context.ApplicationContext;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The send-time check (docs/contacts.md): mail queued before a recipient was suppressed, unsubscribed
 * or withdrew consent is not sent, and is recorded {@code suppressed} with its reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendTimeCheckTest {

    private WorkerFixture fixture;

    @BeforeAll
    void setUp() {
        fixture = new WorkerFixture(getClass());
    }

    @AfterAll
    void tearDown() throws Exception {
        fixture.close();
    }

    @AfterEach
    void stopWorkers() {
        fixture.closeWorkers();
    }

    @Test
    void suppressedInactiveAndUnconsentedRecipientsAreNotSent() throws Exception {
        String tenant = "t" + fixture.token;
        String other = "o" + fixture.token;
        // Index i: what the recipient r<i> has by send time.
        List<WorkerFixture.Stored> emails = fixture.insertWithTopics(tenant, 11, i -> switch (i) {
            case 5, 6, 7 -> "newsletter";
            default -> null;
        });
        List<WorkerFixture.Stored> otherTenant = fixture.insertWithTopics(other, 1, i -> null);
        // A tenant with no contact and no suppression at all: neither table is looked up for it, and the
        // answer is the same (a topic needs a contact's consent).
        List<WorkerFixture.Stored> bareTenant = fixture.insertWithTopics("n" + fixture.token, 2,
                i -> i == 0 ? "newsletter" : null);
        Instant now = Instant.now();
        Instant past = now.minusSeconds(3600);
        SuppressionStore suppressions = fixture.control.getBean(SuppressionStore.class);
        suppressions.add(tenant, List.of(
                new Suppression(address(emails, 0), "hard_bounce", "test", past, null),
                new Suppression(address(emails, 2), "complaint", "test", past, now.minusSeconds(60)),
                new Suppression(address(emails, 3), "manual", "test", past, null)));
        suppressions.remove(tenant, address(emails, 3));
        suppressions.add(other, List.of(new Suppression("example.com", "blocked domain", "test", past, null)));
        // Another tenant's list does not reach this tenant's mail.
        suppressions.add(tenant + "x", List.of(new Suppression(address(emails, 10), "manual", "test", past, null)));

        ContactStore contacts = fixture.control.getBean(ContactStore.class);
        Consent granted = new Consent(true, past, "signup form");
        Consent withdrawn = new Consent(false, now, "preference center");
        contacts.upsert(tenant, List.of(
                contact("c4", address(emails, 4), ContactStatus.UNSUBSCRIBED, Map.of(), 1),
                contact("c5", address(emails, 5), ContactStatus.ACTIVE, Map.of("newsletter", granted), 1),
                contact("c6", address(emails, 6), ContactStatus.ACTIVE, Map.of("newsletter", withdrawn), 1),
                // Compared without regard to case: still the same mailbox.
                contact("c8", address(emails, 8).toUpperCase(Locale.ROOT), ContactStatus.UNSUBSCRIBED, Map.of(), 1),
                contact("c9", address(emails, 9), ContactStatus.BOUNCED, Map.of(), 1)));
        // c9 moved to another address: r9's mail no longer belongs to a bounced contact.
        contacts.upsert(tenant, List.of(contact("c9", "new-" + address(emails, 9), ContactStatus.BOUNCED, Map.of(), 2)));
        // A deleted contact says nothing about its old address any more.
        contacts.upsert(tenant, List.of(contact("c1", address(emails, 1), ContactStatus.COMPLAINED, Map.of(), 1)));
        contacts.delete(tenant, "c1");

        ApplicationContext worker = fixture.startWorker("w1", Map.of("postdate.worker.sender", "blackhole"));
        RecordingSenders recorder = WorkerFixture.recorder(worker);
        List<WorkerFixture.Stored> all = new ArrayList<>(emails);
        all.addAll(otherTenant);
        all.addAll(bareTenant);
        fixture.publish(WorkerFixture.rangeOf("t1-d0", all, all.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0
                && all.stream().allMatch(e -> fixture.state(e) != EmailStatus.SCHEDULED
                        && fixture.state(e) != EmailStatus.QUEUED)));

        Map<Integer, String> suppressedReasons = Map.of(
                0, "address suppressed (hard_bounce)",
                4, "contact c4 is unsubscribed",
                6, "contact c6 has not consented to topic newsletter",
                7, "no contact with this address has consented to topic newsletter",
                8, "contact c8 is unsubscribed");
        Set<String> sent = new HashSet<>(recorder.sentIds());
        for (int i = 0; i < emails.size(); i++) {
            WorkerFixture.Stored email = emails.get(i);
            String reason = suppressedReasons.get(i);
            if (reason == null) {
                assertEquals(EmailStatus.SENT, fixture.state(email), "r" + i);
                assertTrue(sent.contains(email.id()), "r" + i);
            } else {
                assertEquals(EmailStatus.SUPPRESSED, fixture.state(email), "r" + i);
                assertTrue(!sent.contains(email.id()), "r" + i + " not sent");
                assertEquals(reason, fixture.events(email).stream().filter(e -> e.state() == EmailStatus.SUPPRESSED)
                        .map(EmailEvent::detail).findFirst().orElseThrow(), "r" + i);
            }
        }
        assertEquals(EmailStatus.SUPPRESSED, fixture.state(otherTenant.getFirst()), "the other tenant's domain entry");
        assertEquals("domain suppressed (blocked domain)", fixture.events(otherTenant.getFirst()).stream()
                .filter(e -> e.state() == EmailStatus.SUPPRESSED).map(EmailEvent::detail).findFirst().orElseThrow());
        assertEquals(EmailStatus.SUPPRESSED, fixture.state(bareTenant.getFirst()));
        assertEquals("no contact with this address has consented to topic newsletter", fixture.events(bareTenant.getFirst())
                .stream().filter(e -> e.state() == EmailStatus.SUPPRESSED).map(EmailEvent::detail).findFirst().orElseThrow());
        assertEquals(EmailStatus.SENT, fixture.state(bareTenant.get(1)));
        assertEquals(7, worker.getBean(MeterRegistry.class)
                .counter("postdate.worker.emails.skipped", "reason", "suppressed").count());

        // The range again (SQS redelivers, the ranger re-emits): what was recorded stands, nothing goes out.
        suppressions.remove(tenant, address(emails, 0));
        int calls = recorder.calls.size();
        fixture.publish(WorkerFixture.rangeOf("t1-d0-again", all, all.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
        assertEquals(calls, recorder.calls.size());
        assertEquals(EmailStatus.SUPPRESSED, fixture.state(emails.getFirst()));
    }

    @Test
    void aFullSizeRangeIsCheckedInQueriesClickHouseTakes() throws Exception {
        // 5,000 recipients as one list of literals would be a query over ClickHouse's max_query_size.
        String tenant = "tenant-with-a-rather-long-name-" + fixture.token;
        List<WorkerFixture.Stored> emails = fixture.insertWithTopics(tenant, 5000, i -> null);
        WorkerFixture.Stored last = emails.getLast();
        fixture.control.getBean(SuppressionStore.class).add(tenant, List.of(
                new Suppression(last.to(), "manual", "test", Instant.now(), null)));
        ApplicationContext worker = fixture.startWorker("w3", Map.of("postdate.worker.sender", "blackhole"));
        fixture.publish(WorkerFixture.rangeOf("v1-d0", emails, emails.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(60), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
        assertEquals(4999, new HashSet<>(WorkerFixture.recorder(worker).sentIds()).size());
        assertEquals(EmailStatus.SUPPRESSED, fixture.state(last));
    }

    @Test
    void anEmailTheTenantCancelledStaysCancelledWhenItsRecipientIsAlsoSuppressed() throws Exception {
        String tenant = "c" + fixture.token;
        WorkerFixture.Stored email = fixture.insertWithTopics(tenant, 1, i -> null).getFirst();
        fixture.guard.cancel(tenant, email.id(), Instant.now().plus(Duration.ofHours(1)));
        fixture.control.getBean(SuppressionStore.class).add(tenant, List.of(
                new Suppression(email.to(), "manual", "test", Instant.now(), null)));
        fixture.startWorker("w4", Map.of("postdate.worker.sender", "blackhole"));
        fixture.publish(WorkerFixture.rangeOf("c1-d0", List.of(email), 1));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.state(email) != EmailStatus.SCHEDULED
                && fixture.state(email) != EmailStatus.QUEUED));
        assertEquals(EmailStatus.CANCELLED, fixture.state(email));
    }

    @Test
    void theCheckCanBeTurnedOffToMeasureItsCost() throws Exception {
        String tenant = "u" + fixture.token;
        List<WorkerFixture.Stored> emails = fixture.insertWithTopics(tenant, 2, i -> i == 0 ? "newsletter" : null);
        fixture.control.getBean(SuppressionStore.class).add(tenant, List.of(
                new Suppression(address(emails, 1), "manual", "test", Instant.now(), null)));
        ApplicationContext worker = fixture.startWorker("w2", Map.of("postdate.worker.sender", "blackhole",
                "postdate.worker.check-recipients", "false"));
        fixture.publish(WorkerFixture.rangeOf("u1-d0", emails, emails.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> emails.stream()
                .allMatch(e -> fixture.state(e) == EmailStatus.SENT)));
        assertEquals(2, WorkerFixture.recorder(worker).calls.size());
    }

    private static String address(List<WorkerFixture.Stored> emails, int index) {
        return emails.get(index).to();
    }

    private static Contact contact(String id, String email, ContactStatus status, Map<String, Consent> consent,
                                   long version) {
        return new Contact(id, email, null, null, null, status, Map.of(), consent, version);
    }
}
