package dev.postdate.expander;

import dev.postdate.clickhouse.audiences.AudienceMembers;
import dev.postdate.clickhouse.audiences.AudienceStore;
import dev.postdate.clickhouse.audiences.AudienceVersion;
import dev.postdate.clickhouse.audiences.Rule;
import dev.postdate.clickhouse.campaigns.Campaign;
import dev.postdate.clickhouse.campaigns.CampaignRecipients;
import dev.postdate.clickhouse.campaigns.CampaignStore;
import dev.postdate.clickhouse.campaigns.OccurrencePace;
import dev.postdate.clickhouse.campaigns.OccurrenceStore;
import dev.postdate.clickhouse.campaigns.RecipientEmails;
import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.clickhouse.senders.SenderIdentities;
import dev.postdate.clickhouse.senders.SenderIdentityStore;
import dev.postdate.core.campaign.AudienceRef;
import dev.postdate.core.campaign.CampaignSchedule;
import dev.postdate.core.campaign.CampaignState;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.intake.IntakePublisher;
import dev.postdate.core.intake.OversizedEmailsException;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands one occurrence: its audience's eligible contacts, page by page in contact-id order, become
 * emails on the intake queue; after each page is acknowledged by SQS its ledger entries and then the
 * occurrence's checkpoint (the last contact id) are stored. A restart continues after the checkpoint; the page in flight when it
 * stopped is published again under the same email ids (docs/campaigns.md, "Expansion").
 */
@Singleton
public class OccurrenceExpander {

    private static final Logger LOG = LoggerFactory.getLogger(OccurrenceExpander.class);

    private final CampaignStore campaigns;
    private final OccurrenceStore occurrences;
    private final AudienceStore audiences;
    private final AudienceMembers members;
    private final CampaignRecipients ledger;
    private final SenderIdentityStore senders;
    private final IntakePublisher publisher;
    private final OccurrenceClaims claims;
    private final ExpanderSettings settings;
    private final ExpanderMetrics metrics;
    private final Clock clock;
    private final RetryPolicy<Object> writeRetry;

    public OccurrenceExpander(CampaignStore campaigns, OccurrenceStore occurrences, AudienceStore audiences,
                              AudienceMembers members, CampaignRecipients ledger, SenderIdentityStore senders,
                              IntakePublisher publisher, OccurrenceClaims claims,
                              ExpanderSettings settings, ExpanderMetrics metrics, Clock clock) {
        this.campaigns = campaigns;
        this.occurrences = occurrences;
        this.audiences = audiences;
        this.members = members;
        this.ledger = ledger;
        this.senders = senders;
        this.publisher = publisher;
        this.claims = claims;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.writeRetry = RetryPolicy.builder().handle(RuntimeException.class).withMaxAttempts(settings.writeAttempts())
                .withBackoff(Duration.ofMillis(200), settings.interval())
                .onRetry(e -> LOG.warn("Recording a published page failed, retrying: {}", e.getLastException().getMessage()))
                .build();
    }

    /**
     * Records a new occurrence as skipped, with the reason, so that its absence is visible: under the
     * occurrence's claim, and only if no expander stored it meanwhile.
     */
    public void skip(Campaign campaign, CampaignSchedule.Occurrence occurrence, String reason) {
        if (!claims.claim(campaign.tenant(), campaign.id(), occurrence.number())) {
            return;
        }
        try {
            if (occurrences.find(campaign.tenant(), campaign.id(), occurrence.number()).isEmpty()) {
                recordSkipped(campaign, occurrence, reason);
            }
        } finally {
            claims.release(campaign.tenant(), campaign.id(), occurrence.number());
        }
    }

    /**
     * Expands the occurrence from where it stands to its end, unless another expander holds it, the
     * campaign stopped being scheduled, or the claim lapsed meanwhile (then the next round continues).
     * Where it stands is read again under the claim: the round's list may be older than another
     * expander's work on it.
     */
    public void expand(Campaign campaign, CampaignSchedule.Occurrence occurrence) {
        if (!claims.claim(campaign.tenant(), campaign.id(), occurrence.number())) {
            return;
        }
        try {
            Optional<StoredOccurrence> known = occurrences.find(campaign.tenant(), campaign.id(), occurrence.number());
            if (known.isPresent() && known.get().state() != StoredOccurrence.State.EXPANDING) {
                return;
            }
            Optional<StoredOccurrence> started = known.isPresent() ? known : start(campaign, occurrence);
            if (started.isPresent()) {
                run(campaign, occurrence, started.get());
            }
        } finally {
            claims.release(campaign.tenant(), campaign.id(), occurrence.number());
        }
    }

    private void recordSkipped(Campaign campaign, CampaignSchedule.Occurrence occurrence, String reason) {
        Instant now = clock.instant();
        occurrences.save(new StoredOccurrence(campaign.tenant(), campaign.id(), occurrence.number(), now.toEpochMilli(),
                StoredOccurrence.State.SKIPPED, occurrence.planned().toInstant(), 0, "", 0, 0, reason, now, now));
        metrics.skipped();
        LOG.info("Campaign {} occurrence {} skipped: {}", campaign.id(), occurrence.number(), reason);
    }

    /**
     * Fixes the audience version and stores the occurrence before any of its emails exists; skips it
     * when its audience is gone, or when the tenant no longer has a sender identity for its addresses
     * (they were checked when the campaign was saved; the expander publishes past the api's check).
     */
    private Optional<StoredOccurrence> start(Campaign campaign, CampaignSchedule.Occurrence occurrence) {
        Optional<String> uncovered = uncoveredSender(campaign);
        if (uncovered.isPresent()) {
            recordSkipped(campaign, occurrence, "the tenant has no sender identity for " + uncovered.get() + " any more");
            return Optional.empty();
        }
        AudienceRef ref = campaign.spec().audience();
        Optional<AudienceVersion> audience = ref.version() == null ? audiences.latest(campaign.tenant(), ref.id())
                : audiences.find(campaign.tenant(), ref.id(), ref.version());
        if (audience.isEmpty()) {
            recordSkipped(campaign, occurrence, "audience " + ref.id() + (ref.version() == null ? "" : " v" + ref.version())
                    + " not found");
            return Optional.empty();
        }
        Instant now = clock.instant();
        StoredOccurrence started = new StoredOccurrence(campaign.tenant(), campaign.id(), occurrence.number(),
                now.toEpochMilli(), StoredOccurrence.State.EXPANDING, occurrence.planned().toInstant(),
                audience.get().version(), "", 0, 0, "", now, now);
        occurrences.save(started);
        LOG.info("Campaign {} occurrence {} (planned {}) expanding audience {} v{}", campaign.id(), occurrence.number(),
                occurrence.planned(), ref.id(), audience.get().version());
        return Optional.of(started);
    }

    private Optional<String> uncoveredSender(Campaign campaign) {
        Set<String> identities = new HashSet<>(senders.list(campaign.tenant()));
        return Stream.of(campaign.spec().from(), campaign.spec().replyTo()).filter(Objects::nonNull).map(Address::email)
                .filter(address -> !SenderIdentities.covers(identities, address)).findFirst();
    }

    private void run(Campaign campaign, CampaignSchedule.Occurrence occurrence, StoredOccurrence row) {
        AudienceVersion audience = audiences.find(campaign.tenant(), campaign.spec().audience().id(), row.audienceVersion())
                .orElseThrow(() -> new IllegalStateException("audience version " + row.audienceVersion() + " vanished"));
        Rule rule = audiences.rule(audience);
        StoredOccurrence current = row;
        while (current.state() == StoredOccurrence.State.EXPANDING) {
            if (!stillScheduled(campaign)) {
                LOG.info("Campaign {} is no longer scheduled; occurrence {} stops at {} emails", campaign.id(),
                        occurrence.number(), current.expanded());
                return;
            }
            Timer.Sample sample = Timer.start();
            current = chunk(campaign, occurrence, rule, current);
            sample.stop(metrics.chunk());
            if (current.state() == StoredOccurrence.State.EXPANDED) {
                metrics.expanded();
                LOG.info("Campaign {} occurrence {} expanded: {} emails, {} recipients skipped (local time passed)",
                        campaign.id(), occurrence.number(), current.expanded(), current.passedSkipped());
            } else if (!claims.renew(campaign.tenant(), campaign.id(), occurrence.number())) {
                LOG.warn("Campaign {} occurrence {}: the claim lapsed; another expander continues", campaign.id(),
                        occurrence.number());
                return;
            }
        }
    }

    /** One page: published, then checkpointed. */
    private StoredOccurrence chunk(Campaign campaign, CampaignSchedule.Occurrence occurrence, Rule rule,
                                   StoredOccurrence row) {
        Instant now = clock.instant();
        List<AudienceMembers.Member> page = members.page(campaign.tenant(), rule, now, campaign.spec().topic(),
                row.checkpoint(), settings.chunk());
        List<ScheduledEmail> emails = new ArrayList<>(page.size());
        List<CampaignRecipients.Entry> entries = new ArrayList<>(page.size());
        int passed = 0;
        OccurrencePace pace = new OccurrencePace(campaign.spec().rateCap(), row);
        for (AudienceMembers.Member member : page) {
            Optional<ScheduledEmail> email = RecipientEmails.of(campaign, occurrence, member, pace, now);
            if (email.isPresent()) {
                emails.add(email.get());
                entries.add(new CampaignRecipients.Entry(email.get().id(), member.id(), ""));
            } else {
                passed++;
            }
        }
        if (!emails.isEmpty()) {
            List<String> bodies = packed(campaign, occurrence, emails, entries);
            if (!bodies.isEmpty()) {
                publisher.send(bodies);
            }
        }
        boolean last = page.size() < settings.chunk();
        StoredOccurrence next = row.progressed(last ? StoredOccurrence.State.EXPANDED : StoredOccurrence.State.EXPANDING,
                page.isEmpty() ? row.checkpoint() : page.getLast().id(), row.expanded() + emails.size(),
                row.passedSkipped() + passed, pace.planned(), clock.instant());
        // The page is on SQS: keep trying to record it, so that only a crash publishes it again.
        Failsafe.with(writeRetry).run(() -> {
            ledger.record(campaign.tenant(), campaign.id(), occurrence.number(), entries);
            occurrences.save(next);
        });
        metrics.published(emails.size(), passed);
        return next;
    }

    /**
     * The page's intake messages. An email too large for one message even alone (a contact with huge
     * attributes) is left out, logged by contact id and counted, rather than blocking the occurrence.
     */
    private List<String> packed(Campaign campaign, CampaignSchedule.Occurrence occurrence, List<ScheduledEmail> emails,
                                List<CampaignRecipients.Entry> entries) {
        try {
            return publisher.pack(emails);
        } catch (OversizedEmailsException e) {
            List<Integer> oversized = e.indexes().stream().sorted(Comparator.reverseOrder()).toList();
            for (int i : oversized) {
                LOG.warn("Campaign {} occurrence {}: the email of contact {} does not fit an intake message; not sent",
                        campaign.id(), occurrence.number(), entries.get(i).contactId());
                emails.remove(i);
                entries.remove(i);
            }
            metrics.oversized(oversized.size());
            return emails.isEmpty() ? List.of() : publisher.pack(emails);
        }
    }

    private boolean stillScheduled(Campaign campaign) {
        return campaigns.find(campaign.tenant(), campaign.id()).map(c -> c.state() == CampaignState.SCHEDULED)
                .orElse(false);
    }
}
