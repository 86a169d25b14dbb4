package dev.postdate.api.campaigns;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.api.batches.Batches;
import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.state.EmailStatus;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.LinkedHashMap;
import java.util.Map;

/** One occurrence: its expansion, its control and its ledger's counts by state. */
@Serdeable
@Schema(name = "CampaignOccurrence")
@JsonInclude(JsonInclude.Include.ALWAYS)
public record OccurrenceView(
        int number,
        @Schema(description = "expanding, sending (some email not yet sent or settled, or not yet stored), completed, or skipped")
        String state,
        @Schema(description = "why a skipped occurrence was skipped; empty otherwise") String reason,
        @JsonProperty("planned_at") String plannedAt,
        @JsonProperty("batch_id") @Schema(description = "the batch its emails carry (GET /v1/batches/{id})") String batchId,
        @JsonProperty("audience_version") int audienceVersion,
        @Schema(description = "emails published to the intake queue so far") long expanded,
        @JsonProperty("passed_skipped") @Schema(description = "recipients left out: their local time had passed (if_passed: skip)") long passedSkipped,
        @Schema(description = "active, paused or cancelled") String control,
        @Schema(description = "stored emails per state (scheduled, queued, in_doubt, cancelled, suppressed, failed, sent)")
        Map<String, Long> counts,
        @JsonProperty("started_at") String startedAt, @JsonProperty("updated_at") String updatedAt) {

    static OccurrenceView of(StoredOccurrence o, Batches.BatchView batch) {
        Map<String, Long> counts = new LinkedHashMap<>();
        long stored = 0;
        long pending = 0;
        for (EmailStatus state : EmailStatus.values()) {
            long n = batch.counts().getOrDefault(state, 0L);
            counts.put(state.wireName(), n);
            stored += n;
            pending += state.isPending() ? n : 0;
        }
        String state = switch (o.state()) {
            case EXPANDING -> "expanding";
            case SKIPPED -> "skipped";
            case EXPANDED -> pending > 0 || stored < o.expanded() ? "sending" : "completed";
        };
        return new OccurrenceView(o.number(), state, o.reason(), o.planned().toString(),
                CampaignSpec.batchId(o.campaignId(), o.number()), o.audienceVersion(), o.expanded(), o.passedSkipped(),
                batch.control().wireName(), counts, o.startedAt().toString(), o.updatedAt().toString());
    }

    boolean finished() {
        return state.equals("completed") || state.equals("skipped");
    }
}
