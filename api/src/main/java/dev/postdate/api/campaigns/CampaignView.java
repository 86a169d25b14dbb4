package dev.postdate.api.campaigns;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.clickhouse.campaigns.Campaign;
import dev.postdate.core.campaign.AudienceRef;
import dev.postdate.core.campaign.CampaignSchedule;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.TemplateRef;
import dev.postdate.core.email.Tracking;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** A campaign as the api shows it: what it sends, to whom, when, and where it stands. */
@Serdeable
@Schema(name = "Campaign")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CampaignView(
        String id, String name,
        @Schema(description = "draft, scheduled, paused, cancelled, or completed (scheduled, no occurrence left to plan or send)")
        String state,
        TemplateRef template,
        @Schema(description = "version null: the latest version when each occurrence expands") AudienceRef audience,
        Address from, @JsonProperty("reply_to") @Nullable Address replyTo, @Nullable String topic,
        ScheduleView schedule, @Nullable DeliveryView delivery,
        @JsonProperty("expire_after") @Nullable String expireAfter,
        @JsonInclude(JsonInclude.Include.ALWAYS) List<String> tags,
        @JsonProperty("catch_up") CatchUpView catchUp, String overlap,
        @JsonProperty("rate_cap") @Nullable RateCapView rateCap,
        @Schema(description = "its emails' tracking switches; absent ones are the tenant's (docs/tracking.md)")
        @Nullable Tracking tracking,
        @JsonProperty("next_occurrence_at") @Nullable String nextOccurrenceAt,
        @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt) {

    @Serdeable
    @Schema(name = "CampaignSchedule")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ScheduleView(@Nullable String at, @Nullable String rrule, @Nullable String start,
                               @Nullable String timezone, @Nullable String end) {
    }

    @Serdeable
    @Schema(name = "CampaignDelivery")
    public record DeliveryView(@JsonProperty("local_time") String localTime,
                               @JsonProperty("fallback_timezone") String fallbackTimezone,
                               @JsonProperty("if_passed") String ifPassed) {
    }

    @Serdeable
    @Schema(name = "CampaignCatchUp")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CatchUpView(String policy, @JsonProperty("max_age") @Nullable String maxAge) {
    }

    @Serdeable
    @Schema(name = "CampaignRateCap", description = "At most emails per period: the expander spreads the recipients due"
            + " at one instant from it at this pace")
    public record RateCapView(long emails, String per) {
    }

    /**
     * @param completed whether a scheduled campaign has no occurrence left to plan, expand or send
     * @param next      the next planned occurrence, or null
     */
    static CampaignView of(Campaign c, boolean completed, @Nullable Instant next) {
        CampaignSpec s = c.spec();
        CampaignSchedule sc = s.schedule();
        return new CampaignView(c.id(), s.name(), completed ? "completed" : c.state().wireName(), s.template(),
                s.audience(), s.from(), s.replyTo(), s.topic(),
                new ScheduleView(sc.at() == null ? null : sc.at().toString(), sc.rrule(), text(sc.start()),
                        sc.timezone(), text(sc.end())),
                s.delivery() == null ? null : new DeliveryView(s.delivery().localTime().toString(),
                        s.delivery().fallbackTimezone(), s.delivery().ifPassed().wireName()),
                s.expireAfter() == null ? null : s.expireAfter().toString(), s.tags(),
                new CatchUpView(s.catchUp().policy().wireName(), s.catchUp().maxAge() == null ? null
                        : s.catchUp().maxAge().toString()),
                s.overlap().wireName(),
                s.rateCap() == null ? null : new RateCapView(s.rateCap().emails(), s.rateCap().per().toString()),
                s.tracking(),
                next == null ? null : next.toString(), c.createdAt().toString(),
                c.updatedAt().toString());
    }

    private static @Nullable String text(@Nullable Object value) {
        return value == null ? null : value.toString();
    }
}
