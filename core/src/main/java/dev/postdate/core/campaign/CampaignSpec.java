package dev.postdate.core.campaign;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.TemplateRef;
import dev.postdate.core.email.Tracking;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What a campaign sends, to whom and when, as checked by the api and stored as JSON (docs/campaigns.md).
 *
 * @param template    pinned to a version when the campaign is saved
 * @param topic       the consent each recipient must have granted, or null
 * @param delivery    recipient-local delivery, or null to send every email at the occurrence's instant
 * @param expireAfter how late after its planned time an email may still go out; null: no limit
 * @param rateCap     the pace its emails are planned at; null: each at its time
 * @param tracking    its emails' tracking switches, null: the tenant's
 */
@Serdeable
public record CampaignSpec(String name, TemplateRef template, AudienceRef audience, Address from,
                           @Nullable Address replyTo, @Nullable String topic, CampaignSchedule schedule,
                           @Nullable LocalDelivery delivery, @Nullable Duration expireAfter,
                           @JsonInclude(JsonInclude.Include.ALWAYS) List<String> tags,
                           CatchUp catchUp, Overlap overlap, @Nullable RateCap rateCap,
                           @Nullable Tracking tracking) {

    /** The date an occurrence delivers on under local delivery: its planned date in the schedule's zone. */
    public static LocalDate dateOf(CampaignSchedule.Occurrence occurrence) {
        return occurrence.planned().toLocalDate();
    }

    /** When the expander should start on an occurrence: {@code lead} before its first recipient is due. */
    public Instant expansionStart(CampaignSchedule.Occurrence occurrence, Duration lead) {
        Instant first = delivery == null ? occurrence.planned().toInstant() : delivery.earliest(dateOf(occurrence));
        return first.minus(lead);
    }

    /** When its last recipient is due (before {@code next_day} moves any): what catch-up ages are measured from. */
    public Instant lastDue(CampaignSchedule.Occurrence occurrence) {
        return delivery == null ? occurrence.planned().toInstant() : delivery.latest(dateOf(occurrence));
    }

    /** The batch an occurrence's emails carry: batch controls pause and cancel it, batch counts are its ledger. */
    public static String batchId(String campaignId, int occurrence) {
        return BATCH_PREFIX + campaignId + "." + occurrence;
    }

    /** Clients' own batch ids must not start with it. */
    public static final String BATCH_PREFIX = "campaign.";
}
