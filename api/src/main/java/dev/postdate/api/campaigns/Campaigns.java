package dev.postdate.api.campaigns;

import dev.postdate.api.batches.Batches;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.campaigns.Campaign;
import dev.postdate.clickhouse.campaigns.CampaignStore;
import dev.postdate.clickhouse.campaigns.OccurrenceStore;
import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.campaign.CampaignState;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * A campaign's lifecycle: draft, scheduled, paused, cancelled (docs/campaigns.md). A state change is
 * stored before the batches of the occurrences that exist are controlled: an expander checks the
 * campaign's state before each page it publishes, so an occurrence it starts after the change
 * publishes nothing, and one that existed before is covered by its batch control.
 */
@Singleton
public class Campaigns {

    private final CampaignStore store;
    private final OccurrenceStore occurrences;
    private final CampaignRequestReader reader;
    private final Batches batches;
    private final Clock clock;

    public Campaigns(CampaignStore store, OccurrenceStore occurrences, CampaignRequestReader reader, Batches batches,
                     Clock clock) {
        this.store = store;
        this.occurrences = occurrences;
        this.reader = reader;
        this.batches = batches;
        this.clock = clock;
    }

    public Campaign create(String tenant, JsonNode root) {
        Instant now = clock.instant();
        CampaignSpec spec = reader.read(tenant, root, now);
        Campaign campaign = new Campaign(tenant, UUID.randomUUID().toString(), now.toEpochMilli(), CampaignState.DRAFT,
                spec, now, now);
        store.save(campaign);
        return campaign;
    }

    public Campaign find(String tenant, String id) {
        return store.find(tenant, id).orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND,
                "The tenant has no such campaign"));
    }

    public List<Campaign> list(String tenant, int limit) {
        return store.list(tenant, limit);
    }

    public List<StoredOccurrence> occurrences(String tenant, String id) {
        find(tenant, id);
        return occurrences.of(tenant, id);
    }

    public StoredOccurrence occurrence(String tenant, String id, int number) {
        find(tenant, id);
        return occurrences.find(tenant, id, number).orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND,
                "The campaign has no occurrence " + number + " (yet)"));
    }

    /** Draft to scheduled; scheduling a scheduled campaign again changes nothing. */
    public Campaign schedule(String tenant, String id) {
        return change(tenant, id, CampaignState.SCHEDULED, Set.of(CampaignState.DRAFT), null);
    }

    public Campaign pause(String tenant, String id) {
        return change(tenant, id, CampaignState.PAUSED, Set.of(CampaignState.SCHEDULED),
                (t, batch) -> unlessCancelled(() -> batches.pause(t, batch)));
    }

    public Campaign resume(String tenant, String id) {
        return change(tenant, id, CampaignState.SCHEDULED, Set.of(CampaignState.PAUSED),
                (t, batch) -> unlessCancelled(() -> batches.resume(t, batch)));
    }

    /** Final: no occurrence starts again, and unsent mail of every started one is cancelled. */
    public Campaign cancel(String tenant, String id) {
        return change(tenant, id, CampaignState.CANCELLED,
                Set.of(CampaignState.DRAFT, CampaignState.SCHEDULED, CampaignState.PAUSED), batches::cancel);
    }

    /** The batch an occurrence's emails carry, once the occurrence exists. */
    public String occurrenceBatch(String tenant, String id, int number) {
        occurrence(tenant, id, number);
        return CampaignSpec.batchId(id, number);
    }

    /** An occurrence cancelled on its own stays cancelled when its campaign is paused or resumed. */
    private static void unlessCancelled(Runnable control) {
        try {
            control.run();
        } catch (ProblemException e) {
            if (e.type() != ProblemType.CONFLICT) {
                throw e;
            }
        }
    }

    private Campaign change(String tenant, String id, CampaignState target, Set<CampaignState> from,
                            BiConsumer<String, String> batchControl) {
        Campaign current = find(tenant, id);
        if (current.state() != target) {
            if (!from.contains(current.state())) {
                throw new ProblemException(ProblemType.CONFLICT, "The campaign is " + current.state().wireName()
                        + "; it cannot become " + target.wireName());
            }
            current = current.with(target, current.spec(), clock.instant());
            store.save(current);
        }
        if (batchControl != null) {
            for (StoredOccurrence occurrence : occurrences.of(tenant, id)) {
                if (occurrence.state() != StoredOccurrence.State.SKIPPED) {
                    batchControl.accept(tenant, CampaignSpec.batchId(id, occurrence.number()));
                }
            }
        }
        return current;
    }
}
