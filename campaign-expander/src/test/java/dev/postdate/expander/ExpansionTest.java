package dev.postdate.expander;

import dev.postdate.clickhouse.campaigns.Campaign;
import dev.postdate.clickhouse.campaigns.CampaignRecipients;
import dev.postdate.clickhouse.campaigns.RecipientEmails;
import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.clickhouse.contacts.AttributeValue;
import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.clickhouse.contacts.Contact;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.clickhouse.contacts.ContactStore;
import dev.postdate.clickhouse.senders.SenderIdentityStore;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import dev.postdate.core.campaign.AudienceRef;
import dev.postdate.core.campaign.CampaignSchedule;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.campaign.CampaignState;
import dev.postdate.core.campaign.CatchUp;
import dev.postdate.core.campaign.LocalDelivery;
import dev.postdate.core.campaign.Overlap;
import dev.postdate.core.campaign.RateCap;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.TemplateRef;
import dev.postdate.core.intake.IntakePublisher;
import dev.postdate.core.intake.PackedEmail;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The expander against real ClickHouse, Redis and SQS, time moved by a clock: a fortnightly campaign
 * in recipient-local time expands each occurrence to its audience once, an expander that dies between
 * SQS and its checkpoint loses no recipient and adds none, skipped occurrences say why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpansionTest {

    private static final int CONTACTS = 120;
    private static final int CHUNK = 25;
    private static final List<String> ZONES = List.of("Europe/Berlin", "America/New_York", "Australia/Sydney", "");

    private ExpanderFixture fixture;
    private String tenant;
    /** The contacts a newsletter campaign to plan "pro" mails: active, not suppressed, consented. */
    private Set<String> eligiblePro;
    private Set<String> eligibleFree;
    private final Map<String, String> zoneOf = new HashMap<>();

    @BeforeAll
    void start() {
        fixture = new ExpanderFixture(getClass(), CHUNK);
        tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
        List<Contact> contacts = new ArrayList<>();
        eligiblePro = new HashSet<>();
        eligibleFree = new HashSet<>();
        Instant at = Instant.parse("2029-12-01T00:00:00Z");
        for (int i = 0; i < CONTACTS; i++) {
            String id = String.format("c%03d", i);
            String plan = i % 10 == 0 ? "free" : "pro";
            ContactStatus status = i == 5 ? ContactStatus.UNSUBSCRIBED : ContactStatus.ACTIVE;
            boolean consented = i != 11 && i != 13;
            String zone = ZONES.get(i % ZONES.size());
            zoneOf.put(id, zone);
            contacts.add(new Contact(id, id + "@example.com", "Name " + i, zone.isEmpty() ? null : zone, "en", status,
                    Map.of("plan", new AttributeValue.Text(plan)),
                    Map.of("newsletter", new Consent(consented, at, "test")), 1));
            if (status == ContactStatus.ACTIVE && consented && i != 7) {
                (plan.equals("pro") ? eligiblePro : eligibleFree).add(id);
            }
        }
        fixture.context.getBean(ContactStore.class).upsert(tenant, contacts);
        fixture.context.getBean(SenderIdentityStore.class).add(tenant, "example.org");
        fixture.context.getBean(SuppressionStore.class).add(tenant,
                List.of(new Suppression("c007@example.com", "bounced", "test", at, null)));
    }

    @AfterAll
    void stop() throws Exception {
        fixture.close();
    }

    /** Campaigns are created at the start of time here: occurrences due before a campaign existed are not its. */
    @BeforeEach
    void rewind() {
        fixture.clock.set(Instant.parse("2030-01-01T00:00:00Z"));
    }

    private static final String PRO = "{\"attr\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}";
    private static final String FREE = "{\"attr\": \"plan\", \"op\": \"eq\", \"value\": \"free\"}";

    private CampaignSpec fortnightly(String audienceId, LocalDelivery delivery, CatchUp catchUp, Overlap overlap,
                                     RateCap rateCap) {
        return new CampaignSpec("digest", new TemplateRef("digest", 1), new AudienceRef(audienceId, null),
                new Address("news@example.org", null), null, "newsletter",
                new CampaignSchedule(null, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", LocalDateTime.parse("2030-01-07T00:00"),
                        "Europe/Berlin", null),
                delivery, Duration.ofHours(6), List.of("digest"), catchUp, overlap, rateCap, null);
    }

    /** A scheduled fortnightly campaign to a new audience of the "pro" contacts. */
    private Campaign scheduledToPro(LocalDelivery delivery, CatchUp catchUp, Overlap overlap, RateCap rateCap) {
        String audienceId = UUID.randomUUID().toString();
        fixture.audience(tenant, audienceId, 1, PRO);
        return fixture.campaign(tenant, fortnightly(audienceId, delivery, catchUp, overlap, rateCap), CampaignState.SCHEDULED);
    }

    private static LocalDelivery eightLocal() {
        return new LocalDelivery(LocalTime.parse("08:00"), "UTC", LocalDelivery.IfPassed.NEXT_DAY);
    }

    @Test
    void eachOccurrenceReachesItsAudienceOnceInEachRecipientsLocalTime() {
        String audienceId = UUID.randomUUID().toString();
        fixture.audience(tenant, audienceId, 1, PRO);
        Campaign campaign = fixture.campaign(tenant, fortnightly(audienceId, eightLocal(),
                CatchUp.skipOlderThan(Duration.ofHours(6)), Overlap.RUN, null), CampaignState.SCHEDULED);
        ExpanderLoop expander = fixture.expander("a");

        // 08:00 on 2030-01-07 comes first at UTC+14 (2030-01-06T18:00Z); expansion starts 10 minutes before.
        fixture.clock.set(Instant.parse("2030-01-06T17:49:00Z"));
        expander.round();
        assertEquals(List.of(), fixture.drainIntake());
        assertTrue(fixture.occurrences.of(tenant, campaign.id()).isEmpty());

        fixture.clock.set(Instant.parse("2030-01-06T17:50:00Z"));
        expander.round();
        List<PackedEmail> first = fixture.drainIntake();
        assertOnceEach(campaign, 1, first, eligiblePro);
        for (PackedEmail email : first) {
            String contact = contactOf(email);
            assertEquals(eightLocalOnJanuary7(contact), email.sendAt(), contact + " in " + zoneOf.get(contact));
        }
        StoredOccurrence one = fixture.occurrence(campaign, 1);
        assertEquals(StoredOccurrence.State.EXPANDED, one.state());
        assertEquals(eligiblePro.size(), one.expanded());
        assertEquals(1, one.audienceVersion());

        expander.round();
        assertEquals(List.of(), fixture.drainIntake(), "an expanded occurrence is never expanded again");

        // The audience changes; the campaign follows its latest version at the next occurrence, a fortnight later.
        fixture.audience(tenant, audienceId, 2, FREE);
        fixture.clock.advance(Duration.ofDays(14));
        expander.round();
        List<PackedEmail> second = fixture.drainIntake();
        assertOnceEach(campaign, 2, second, eligibleFree);
        assertEquals(2, fixture.occurrence(campaign, 2).audienceVersion());
        assertTrue(first.stream().map(PackedEmail::id).noneMatch(second.stream().map(PackedEmail::id).collect(Collectors.toSet())::contains));
    }

    @Test
    void anExpanderThatDiesBetweenSqsAndItsCheckpointLosesNoRecipientAndAddsNone() {
        Campaign campaign = scheduledToPro(null,
                CatchUp.skipOlderThan(Duration.ofHours(6)), Overlap.RUN, null);
        fixture.clock.set(Instant.parse("2030-01-06T23:00:00Z"));

        // Its third page reaches SQS, then the process dies before storing the checkpoint.
        fixture.expander("a", dyingAfterPage(3)).round();
        StoredOccurrence stopped = fixture.occurrence(campaign, 1);
        assertEquals(StoredOccurrence.State.EXPANDING, stopped.state());
        assertEquals(2L * CHUNK, stopped.expanded());

        // While "a" still holds the occurrence (a killed process does not release it), "b" leaves it alone.
        assertTrue(fixture.claims("a").claim(tenant, campaign.id(), 1));
        ExpanderLoop b = fixture.expander("b");
        b.round();
        assertEquals(StoredOccurrence.State.EXPANDING, fixture.occurrence(campaign, 1).state());
        // The claim lapses; "b" continues from the checkpoint.
        fixture.claims("a").release(tenant, campaign.id(), 1);
        b.round();

        List<PackedEmail> all = fixture.drainIntake();
        Map<String, List<PackedEmail>> byId = all.stream().collect(Collectors.groupingBy(PackedEmail::id));
        assertOnceEach(campaign, 1, new ArrayList<>(byId.values().stream().map(List::getFirst).toList()), eligiblePro);
        List<List<PackedEmail>> repeated = byId.values().stream().filter(copies -> copies.size() > 1).toList();
        assertEquals(CHUNK, repeated.size(), "only the page SQS had before the crash is published again");
        for (List<PackedEmail> copies : repeated) {
            assertEquals(2, copies.size());
            assertEquals(copies.get(0), copies.get(1), "the same email, not a second one");
        }
        StoredOccurrence done = fixture.occurrence(campaign, 1);
        assertEquals(StoredOccurrence.State.EXPANDED, done.state());
        assertEquals(eligiblePro.size(), done.expanded());
        // The ledger holds each recipient once, the repeated page folded.
        List<CampaignRecipients.Recipient> ledger = fixture.context.getBean(CampaignRecipients.class)
                .page(tenant, campaign.id(), 1, false, Set.of(), "", 1000);
        assertEquals(eligiblePro, ledger.stream().map(CampaignRecipients.Recipient::contactId).collect(Collectors.toSet()));
        assertEquals(eligiblePro.size(), ledger.size());
    }

    @Test
    void occurrencesMissedTooLongAreSkippedWithTheirReason() {
        String audienceId = UUID.randomUUID().toString();
        fixture.audience(tenant, audienceId, 1, PRO);
        Instant at = Instant.parse("2030-02-01T09:00:00Z");
        Campaign once = fixture.campaign(tenant, new CampaignSpec("once", new TemplateRef("digest", 1),
                new AudienceRef(audienceId, 1), new Address("news@example.org", null), null, null,
                CampaignSchedule.once(at), null, null, List.of(), CatchUp.skipOlderThan(Duration.ofHours(24)), Overlap.RUN, null, null),
                CampaignState.SCHEDULED);
        Campaign daily = fixture.campaign(tenant, new CampaignSpec("daily", new TemplateRef("digest", 1),
                new AudienceRef(audienceId, 1), new Address("news@example.org", null), null, "newsletter",
                new CampaignSchedule(null, "FREQ=DAILY;BYHOUR=9", LocalDateTime.parse("2030-01-29T00:00"), "UTC", null),
                null, null, List.of(), new CatchUp(CatchUp.Policy.LATEST_ONLY, null), Overlap.RUN, null, null), CampaignState.SCHEDULED);
        Campaign paused = fixture.campaign(tenant, fortnightly(audienceId, null, CatchUp.skipOlderThan(Duration.ofDays(30)),
                Overlap.RUN, null), CampaignState.PAUSED);

        fixture.clock.set(at.plus(Duration.ofHours(25)));
        fixture.expander("a").round();

        StoredOccurrence missed = fixture.occurrence(once, 1);
        assertEquals(StoredOccurrence.State.SKIPPED, missed.state());
        assertTrue(missed.reason().startsWith("missed"), missed.reason());
        // Daily at 09:00 from 2030-01-29: 29th, 30th, 31st, 1st missed; the 2nd (10:00 now) is the latest.
        List<StoredOccurrence> days = fixture.occurrences.of(tenant, daily.id());
        assertEquals(List.of(StoredOccurrence.State.SKIPPED, StoredOccurrence.State.SKIPPED, StoredOccurrence.State.SKIPPED,
                StoredOccurrence.State.SKIPPED, StoredOccurrence.State.EXPANDED), days.stream().map(StoredOccurrence::state).toList());
        assertTrue(days.getFirst().reason().contains("latest_only"), days.getFirst().reason());
        assertEquals(List.of(), fixture.occurrences.of(tenant, paused.id()), "a paused campaign expands nothing");

        List<PackedEmail> emails = fixture.drainIntake();
        assertOnceEach(daily, 5, emails, eligiblePro);
        assertTrue(emails.stream().allMatch(e -> e.sendAt().equals(fixture.clock.instant())), "late mail is due now");
    }

    @Test
    void anOccurrenceDueWhileThePreviousStillExpandsIsSkippedUnderOverlapSkip() {
        Campaign campaign = scheduledToPro(null,
                CatchUp.skipOlderThan(Duration.ofDays(30)), Overlap.SKIP, null);
        Instant now = Instant.parse("2030-01-21T07:00:00Z");
        fixture.clock.set(now);
        // Occurrence 1 was left half done (its expander died); 2 is due now.
        fixture.occurrences.save(new StoredOccurrence(tenant, campaign.id(), 1, 1, StoredOccurrence.State.EXPANDING,
                Instant.parse("2030-01-06T23:00:00Z"), 1, "", 0, 0, "", now, now));
        fixture.expander("a").round();
        assertEquals(StoredOccurrence.State.EXPANDED, fixture.occurrence(campaign, 1).state());
        StoredOccurrence two = fixture.occurrence(campaign, 2);
        assertEquals(StoredOccurrence.State.SKIPPED, two.state());
        assertTrue(two.reason().startsWith("overlap"), two.reason());
        assertOnceEach(campaign, 1, fixture.drainIntake(), eligiblePro);
    }

    @Test
    void occurrencesDueBeforeTheCampaignExistedAreNotItsAndTwoDueInOneRoundDoNotOverlap() {
        String audienceId = UUID.randomUUID().toString();
        fixture.audience(tenant, audienceId, 1, PRO);
        // Created on 2030-01-25: the rule's occurrences of 01-07 and 01-21 predate it.
        fixture.clock.set(Instant.parse("2030-01-25T00:00:00Z"));
        Campaign late = fixture.campaign(tenant, fortnightly(audienceId, null, CatchUp.skipOlderThan(Duration.ofDays(30)),
                Overlap.RUN, null), CampaignState.SCHEDULED);
        // Daily from 01-25 with overlap skip: the 25th and the 26th both come due in one round.
        Campaign daily = fixture.campaign(tenant, new CampaignSpec("daily", new TemplateRef("digest", 1),
                new AudienceRef(audienceId, 1), new Address("news@example.org", null), null, "newsletter",
                new CampaignSchedule(null, "FREQ=DAILY;BYHOUR=9", LocalDateTime.parse("2030-01-25T00:00"), "UTC", null),
                null, null, List.of(), CatchUp.skipOlderThan(Duration.ofDays(30)), Overlap.SKIP, null, null), CampaignState.SCHEDULED);
        fixture.clock.set(Instant.parse("2030-02-03T23:00:00Z"));
        fixture.expander("a").round();

        assertEquals(List.of(3), fixture.occurrences.of(tenant, late.id()).stream().map(StoredOccurrence::number).toList());
        List<StoredOccurrence> days = fixture.occurrences.of(tenant, daily.id());
        assertEquals(StoredOccurrence.State.EXPANDED, days.getFirst().state());
        assertTrue(days.get(1).reason().startsWith("overlap"), days.get(1).reason());
        fixture.drainIntake();
    }

    @Test
    void anOccurrenceStartingAfterItsSenderIdentityWasRemovedIsSkippedWithTheReason() {
        Campaign campaign = scheduledToPro(null,
                CatchUp.skipOlderThan(Duration.ofHours(6)), Overlap.RUN, null);
        SenderIdentityStore senders = fixture.context.getBean(SenderIdentityStore.class);
        senders.remove(tenant, "example.org");
        try {
            fixture.clock.set(Instant.parse("2030-01-06T23:00:00Z"));
            fixture.expander("a").round();
        } finally {
            senders.add(tenant, "example.org");
        }
        StoredOccurrence skipped = fixture.occurrence(campaign, 1);
        assertEquals(StoredOccurrence.State.SKIPPED, skipped.state());
        assertTrue(skipped.reason().contains("news@example.org"), skipped.reason());
        assertEquals(List.of(), fixture.drainIntake());
    }

    @Test
    void aRateCapSpreadsEachInstantsRecipientsAtItsPaceAcrossPagesAndACrash() {
        String audienceId = UUID.randomUUID().toString();
        fixture.audience(tenant, audienceId, 1, PRO);
        RateCap cap = new RateCap(7, Duration.ofSeconds(10));
        Campaign campaign = fixture.campaign(tenant, fortnightly(audienceId, eightLocal(),
                CatchUp.skipOlderThan(Duration.ofHours(6)), Overlap.RUN, cap), CampaignState.SCHEDULED);
        fixture.clock.set(Instant.parse("2030-01-06T17:50:00Z"));
        fixture.expander("a", dyingAfterPage(3)).round();
        fixture.expander("b").round();

        Map<String, List<PackedEmail>> byId = fixture.drainIntake().stream().collect(Collectors.groupingBy(PackedEmail::id));
        for (List<PackedEmail> copies : byId.values()) {
            assertTrue(copies.stream().allMatch(copies.getFirst()::equals), "a page published again plans the same times");
        }
        List<PackedEmail> emails = byId.values().stream().map(List::getFirst).toList();
        assertOnceEach(campaign, 1, emails, eligiblePro);
        // Each zone's recipients are due at one instant: spread from it, the k-th at its slot, none skipped or doubled.
        Map<Instant, List<Instant>> byDue = new HashMap<>();
        for (PackedEmail email : emails) {
            byDue.computeIfAbsent(eightLocalOnJanuary7(contactOf(email)), d -> new ArrayList<>()).add(email.sendAt());
        }
        assertEquals(4, byDue.size());
        byDue.forEach((due, sendAts) -> {
            List<Instant> slots = new ArrayList<>();
            for (int k = 0; k < sendAts.size(); k++) {
                slots.add(cap.slot(due, k));
            }
            assertEquals(slots, sendAts.stream().sorted().toList(), "the recipients due at " + due);
        });
        Map<Instant, Long> perSecond = emails.stream().collect(Collectors.groupingBy(PackedEmail::sendAt, Collectors.counting()));
        assertTrue(perSecond.values().stream().allMatch(n -> n <= cap.perSecondAtMost()), perSecond.toString());
    }

    /** 08:00 on 2030-01-07 in the contact's zone (UTC for those without one, the fallback). */
    private Instant eightLocalOnJanuary7(String contact) {
        return switch (zoneOf.get(contact)) {
            case "Europe/Berlin" -> Instant.parse("2030-01-07T07:00:00Z");
            case "America/New_York" -> Instant.parse("2030-01-07T13:00:00Z");
            case "Australia/Sydney" -> Instant.parse("2030-01-06T21:00:00Z");
            default -> Instant.parse("2030-01-07T08:00:00Z");
        };
    }

    /** A publisher whose process dies right after SQS acknowledged its {@code page}-th page. */
    private IntakePublisher dyingAfterPage(int page) {
        IntakePublisher real = fixture.context.getBean(IntakePublisher.class);
        AtomicInteger sends = new AtomicInteger();
        return new IntakePublisher(null, null, null, new IntakePublisher.Limits(250000, 262144, 4, 3),
                fixture.context.getBean(dev.postdate.core.intake.IntakePacketCodec.class)) {
            @Override
            public void send(List<String> bodies) {
                real.send(bodies);
                if (sends.incrementAndGet() == page) {
                    throw new IllegalStateException("killed after SQS acknowledged page " + page);
                }
            }
        };
    }

    /** Each eligible contact has exactly one email of the occurrence, with its deterministic id and batch. */
    private void assertOnceEach(Campaign campaign, int occurrence, List<PackedEmail> emails, Set<String> eligible) {
        Map<String, String> contactById = new HashMap<>();
        for (PackedEmail email : emails) {
            String contact = contactOf(email);
            assertEquals(RecipientEmails.emailId(tenant, campaign.id(), occurrence, contact), email.id());
            assertEquals("campaign." + campaign.id() + "." + occurrence, email.batchId());
            assertEquals(tenant, email.tenant());
            contactById.put(email.id(), contact);
        }
        assertEquals(emails.size(), contactById.size(), "no email twice");
        assertEquals(eligible, new HashSet<>(contactById.values()));
    }

    private String contactOf(PackedEmail email) {
        try {
            EmailContent content = fixture.context.getBean(ObjectMapper.class).readValue(email.content(), EmailContent.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> contact = (Map<String, Object>) content.data().get("contact");
            assertEquals(content.to().email(), contact.get("email"));
            return (String) contact.get("id");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
