package dev.postdate.api.campaigns;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.state.BatchControl;
import dev.postdate.core.state.EmailStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One occurrence: its expansion, its control and its ledger's counts by state. */
@Serdeable
@Schema(name = "CampaignOccurrence")
@JsonInclude(JsonInclude.Include.ALWAYS)
public record OccurrenceView(
        int number,
        @Schema(description = "expanding, sending (some recipient's email not yet sent or settled), completed, or skipped")
        String state,
        @Schema(description = "why a skipped occurrence was skipped; empty otherwise") String reason,
        @JsonProperty("planned_at") String plannedAt,
        @JsonProperty("batch_id") @Schema(description = "the batch its emails carry (GET /v1/batches/{id})") String batchId,
        @JsonProperty("audience_version") int audienceVersion,
        @Schema(description = "emails published to the intake queue so far") long expanded,
        @JsonProperty("passed_skipped") @Schema(description = "recipients left out: their local time had passed (if_passed: skip)") long passedSkipped,
        @Schema(description = "active, paused or cancelled") String control,
        @Schema(description = "recipients per state of their current email (scheduled, queued, in_doubt, cancelled, suppressed, expired, failed, sent); a resend replaces the email it resends")
        Map<String, Long> counts,
        @Schema(description = "emails settled per second over the last rate-window (60 s)") double rate,
        @Schema(description = "when the unsent recipients would be done at that rate; null when none is left or nothing moves") @Nullable String eta,
        @JsonProperty("started_at") String startedAt, @JsonProperty("updated_at") String updatedAt) {

    /**
     * @param recipients the ledger's current recipients per state
     * @param rate       emails settled per second recently
     */
    static OccurrenceView of(StoredOccurrence o, BatchControl control, Map<EmailStatus, Long> recipients, double rate,
                             Instant now) {
        Map<String, Long> counts = new LinkedHashMap<>();
        long pending = 0;
        for (EmailStatus state : EmailStatus.values()) {
            long n = recipients.getOrDefault(state, 0L);
            counts.put(state.wireName(), n);
            pending += state.isPending() ? n : 0;
        }
        String state = switch (o.state()) {
            case EXPANDING -> "expanding";
            case SKIPPED -> "skipped";
            case EXPANDED -> pending > 0 ? "sending" : "completed";
        };
        return new OccurrenceView(o.number(), state, o.reason(), o.planned().toString(),
                CampaignSpec.batchId(o.campaignId(), o.number()), o.audienceVersion(), o.expanded(), o.passedSkipped(),
                control.wireName(), counts, rate, pending == 0 || rate == 0 ? null
                : now.plusMillis((long) Math.ceil(pending * 1000 / rate)).toString(),
                o.startedAt().toString(), o.updatedAt().toString());
    }

    boolean finished() {
        return state.equals("completed") || state.equals("skipped");
    }
}
