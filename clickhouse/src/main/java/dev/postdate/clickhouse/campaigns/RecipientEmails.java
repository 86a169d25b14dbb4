package dev.postdate.clickhouse.campaigns;

import dev.postdate.clickhouse.audiences.AudienceMembers;
import dev.postdate.core.campaign.CampaignSchedule;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.campaign.LocalDelivery;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.ScheduledEmail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One recipient's email of an occurrence. Its id is derived from (tenant, campaign, occurrence,
 * contact): expanding a recipient again, after a crash or by a second expander, yields the same email,
 * which the worker's send guard sends once. With {@code expire_after}, it expires that long after the
 * recipient's planned time (under {@code if_passed: next_day}, the next day's). The template sees
 * {@link RecipientData} as of expansion.
 */
public final class RecipientEmails {

    private RecipientEmails() {
    }

    public static String emailId(String tenant, String campaignId, int occurrence, String contactId) {
        String name = tenant + '\u0000' + campaignId + '\u0000' + occurrence + '\u0000' + contactId;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * The member's email, sent when {@code pace} plans it, or empty when its local time has passed and the
     * campaign skips such recipients.
     */
    public static Optional<ScheduledEmail> of(Campaign campaign, CampaignSchedule.Occurrence occurrence,
                                              AudienceMembers.Member member, OccurrencePace pace, Instant now) {
        CampaignSpec spec = campaign.spec();
        Instant planned;
        Instant sendAt;
        if (spec.delivery() == null) {
            planned = occurrence.planned().toInstant();
            sendAt = planned;
        } else {
            Optional<LocalDelivery.Slot> slot = spec.delivery().slot(CampaignSpec.dateOf(occurrence),
                    member.timezone(), now);
            if (slot.isEmpty()) {
                return Optional.empty();
            }
            planned = slot.get().planned();
            sendAt = slot.get().sendAt();
        }
        Instant accepted = now.truncatedTo(ChronoUnit.SECONDS);
        sendAt = pace.sendAt(sendAt);
        sendAt = sendAt.isBefore(accepted) ? accepted : sendAt.truncatedTo(ChronoUnit.SECONDS);
        return Optional.of(new ScheduledEmail(emailId(campaign.tenant(), campaign.id(), occurrence.number(), member.id()),
                campaign.tenant(), CampaignSpec.batchId(campaign.id(), occurrence.number()), sendAt, accepted,
                content(campaign, occurrence.number(), member, planned)));
    }

    /**
     * A new email replacing {@code original} for the same recipient, due now. Its id is derived from the
     * original's, so resending the same email again yields the same one, sent once.
     */
    public static ScheduledEmail resend(Campaign campaign, int occurrence, AudienceMembers.Member member,
                                        String original, Instant now) {
        Instant accepted = now.truncatedTo(ChronoUnit.SECONDS);
        EmailContent content = content(campaign, occurrence, member, accepted);
        String id = UUID.nameUUIDFromBytes(("resend\u0000" + original).getBytes(StandardCharsets.UTF_8)).toString();
        return new ScheduledEmail(id, campaign.tenant(), CampaignSpec.batchId(campaign.id(), occurrence), accepted,
                accepted, content);
    }

    /** What the member's email says: the pinned template with the member's data, expiring after its planned time. */
    private static EmailContent content(Campaign campaign, int occurrence, AudienceMembers.Member member, Instant planned) {
        CampaignSpec spec = campaign.spec();
        return new EmailContent(new Address(member.email(), member.name().isEmpty() ? null : member.name()),
                spec.from(), spec.replyTo(), null, null, null, spec.template(), RecipientData.of(campaign, occurrence, member),
                Map.of(), spec.tags(), spec.topic(), spec.expireAfter() == null ? null : planned.plus(spec.expireAfter()), spec.tracking());
    }
}
