package dev.postdate.api.campaigns;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/** What a campaign's next occurrence would do now, with nothing sent or scheduled (docs/campaigns.md, "Dry run"). */
@Serdeable
@Schema(name = "CampaignDryRun")
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DryRunView(
        @JsonProperty("occurrence_planned_at") @Schema(description = "the next occurrence; null when none is left") @Nullable String plannedAt,
        @JsonProperty("audience_id") String audienceId,
        @JsonProperty("audience_version") int audienceVersion,
        @Schema(description = "contacts the rule matches") long matching,
        @Schema(description = "emails the occurrence would send") long recipients,
        @Schema(description = "matching contacts left out, by reason: unsubscribed, bounced, complained, suppressed, no_consent, local_time_passed")
        Map<String, Long> excluded,
        @Schema(description = "the 20 commonest recipient domains, commonest first") List<DomainCount> domains,
        @JsonProperty("send_times_utc") @Schema(description = "recipients per hour (UTC) they are sent in, spread by the campaign's rate_cap") List<HourCount> sendTimesUtc,
        @JsonProperty("send_times_local") @Schema(description = "recipients per local hour (HH:00 in their own zone) they are due, before a rate_cap spreads them") List<LocalHourCount> sendTimesLocal,
        @JsonProperty("send_rate") @Schema(description = "emails per second the ETA assumes; 0: no limit") double sendRate,
        @Schema(description = "when the last email would be sent at send_rate and under the campaign's rate_cap") @Nullable String eta,
        List<SampleRender> samples,
        @JsonProperty("missing_variables") List<MissingVariable> missingVariables) {

    @Serdeable
    public record DomainCount(String domain, long recipients) {
    }

    @Serdeable
    public record HourCount(String hour, long recipients) {
    }

    @Serdeable
    public record LocalHourCount(@JsonProperty("local_hour") String localHour, long recipients) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SampleRender(@JsonProperty("contact_id") String contactId, String to, @Nullable String subject,
                               @Nullable String html, @Nullable String text,
                               @Schema(description = "why it does not render (a worker would fail it); null when it does") @Nullable String problem) {
    }

    @Serdeable
    public record MissingVariable(String variable,
                                  @Schema(description = "recipients whose data lacks it") long recipients,
                                  @JsonProperty("contact_ids") @Schema(description = "the first of them by id") List<String> contactIds,
                                  @Schema(description = "true: the render fails for them (a missing attribute); false: it renders empty") boolean fails) {
    }
}
