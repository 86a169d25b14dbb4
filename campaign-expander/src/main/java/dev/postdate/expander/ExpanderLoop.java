package dev.postdate.expander;

import dev.postdate.clickhouse.campaigns.Campaign;
import dev.postdate.clickhouse.campaigns.CampaignRecipients;
import dev.postdate.clickhouse.campaigns.CampaignStore;
import dev.postdate.clickhouse.campaigns.OccurrenceStore;
import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.clickhouse.status.BatchStatusStore;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.campaign.CampaignState;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One round of expansion: for each scheduled campaign of every tenant, records the occurrences to skip
 * and expands the due ones. Any number of expanders may run (claims share the work; expansion is
 * idempotent). A failure is logged and retried next round; the checkpoint keeps what was done.
 */
@Singleton
public class ExpanderLoop {

    private static final Logger LOG = LoggerFactory.getLogger(ExpanderLoop.class);

    private final CampaignStore campaigns;
    private final OccurrenceStore occurrences;
    private final BatchStatusStore batches;
    private final CampaignRecipients ledger;
    private final OccurrenceExpander expander;
    private final ExpanderSettings settings;
    private final ExpanderMetrics metrics;
    private final Clock clock;

    public ExpanderLoop(CampaignStore campaigns, OccurrenceStore occurrences, BatchStatusStore batches,
                        CampaignRecipients ledger, OccurrenceExpander expander, ExpanderSettings settings,
                        ExpanderMetrics metrics, Clock clock) {
        this.campaigns = campaigns;
        this.occurrences = occurrences;
        this.batches = batches;
        this.ledger = ledger;
        this.expander = expander;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** One pass over every scheduled campaign; a campaign's failure is logged and leaves the others be. */
    public void round() {
        for (Campaign campaign : campaigns.inState(CampaignState.SCHEDULED)) {
            try {
                advance(campaign);
            } catch (RuntimeException e) {
                metrics.failed();
                LOG.warn("Expanding campaign {} of tenant {} failed, trying again in {}: {}", campaign.id(),
                        campaign.tenant(), settings.interval(), e.getMessage());
            }
        }
    }

    private void advance(Campaign campaign) {
        Map<Integer, StoredOccurrence> stored = occurrences.of(campaign.tenant(), campaign.id()).stream()
                .collect(Collectors.toMap(StoredOccurrence::number, Function.identity()));
        Instant now = clock.instant();
        for (DueOccurrences.Decision decision : DueOccurrences.decide(campaign.spec(), campaign.createdAt(), stored, now,
                settings.lead(), n -> stillSending(campaign, n))) {
            if (decision.skipReason() != null) {
                expander.skip(campaign, decision.occurrence(), decision.skipReason());
            } else {
                expander.expand(campaign, decision.occurrence());
            }
        }
    }

    /** Whether some recipient's email is unsettled: as the occurrence view counts (the ledger, cancels applied). */
    private boolean stillSending(Campaign campaign, int occurrence) {
        boolean cancelled = batches.isCancelled(campaign.tenant(), CampaignSpec.batchId(campaign.id(), occurrence));
        return ledger.counts(campaign.tenant(), campaign.id(), occurrence, cancelled).entrySet().stream()
                .anyMatch(e -> e.getKey().isPending() && e.getValue() > 0);
    }
}
