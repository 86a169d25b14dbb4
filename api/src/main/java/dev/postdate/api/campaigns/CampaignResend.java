package dev.postdate.api.campaigns;

import dev.postdate.api.batches.Batches;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.audiences.AudienceMembers;
import dev.postdate.clickhouse.campaigns.Campaign;
import dev.postdate.clickhouse.campaigns.CampaignRecipients;
import dev.postdate.clickhouse.campaigns.RecipientEmails;
import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.intake.IntakePublisher;
import dev.postdate.core.intake.IntakeUnavailableException;
import dev.postdate.core.state.BatchControl;
import dev.postdate.core.state.EmailStatus;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Sends an occurrence again to exactly the recipients whose current email ended in the given states,
 * once: each gets a new email whose id derives from the one it replaces, published to the intake queue
 * and then recorded in the ledger as replacing it. Repeating the call finds the replaced emails no
 * longer current; a call that stopped between the queue and the ledger publishes the same ids again
 * (stored twice, sent once). Recipients no longer mailable (unsubscribed, suppressed, deleted, consent
 * withdrawn) are skipped and counted.
 */
@Singleton
public class CampaignResend {

    /** The states a resend may target: the email did not reach its recipient, and no one chose so. */
    static final Set<EmailStatus> RESENDABLE = Set.of(EmailStatus.FAILED, EmailStatus.EXPIRED, EmailStatus.IN_DOUBT);
    private static final int PAGE = 1000;

    @Serdeable
    @Schema(name = "CampaignResend")
    public record Result(@Schema(description = "emails sent again") long resent,
                         @Schema(description = "recipients skipped: no longer mailable (status, suppression, consent, deleted)") long ineligible) {
    }

    private final Campaigns campaigns;
    private final CampaignRecipients ledger;
    private final AudienceMembers members;
    private final Batches batches;
    private final IntakePublisher publisher;
    private final Clock clock;

    public CampaignResend(Campaigns campaigns, CampaignRecipients ledger, AudienceMembers members, Batches batches,
                          IntakePublisher publisher, Clock clock) {
        this.campaigns = campaigns;
        this.ledger = ledger;
        this.members = members;
        this.batches = batches;
        this.publisher = publisher;
        this.clock = clock;
    }

    public Result resend(String tenant, String campaignId, int number, Set<EmailStatus> states) {
        Campaign campaign = campaigns.find(tenant, campaignId);
        StoredOccurrence occurrence = campaigns.occurrence(tenant, campaignId, number);
        if (occurrence.state() != StoredOccurrence.State.EXPANDED) {
            throw new ProblemException(ProblemType.CONFLICT, "Occurrence " + number + " is " + occurrence.state().wireName()
                    + "; only an expanded occurrence can be resent");
        }
        if (batches.current(tenant, CampaignSpec.batchId(campaignId, number)).control() == BatchControl.CANCELLED) {
            throw new ProblemException(ProblemType.CONFLICT, "Occurrence " + number + " is cancelled");
        }
        long resent = 0;
        long ineligible = 0;
        String after = "";
        while (true) {
            List<CampaignRecipients.Recipient> page = ledger.page(tenant, campaignId, number, false, states, after, PAGE);
            if (page.isEmpty()) {
                return new Result(resent, ineligible);
            }
            Instant now = clock.instant();
            Map<String, AudienceMembers.Member> mailable = members.eligibleAmong(tenant,
                            page.stream().map(CampaignRecipients.Recipient::contactId).distinct().toList(), now,
                            campaign.spec().topic())
                    .stream().collect(Collectors.toMap(AudienceMembers.Member::id, Function.identity()));
            List<ScheduledEmail> emails = new ArrayList<>();
            List<CampaignRecipients.Entry> entries = new ArrayList<>();
            for (CampaignRecipients.Recipient recipient : page) {
                AudienceMembers.Member member = mailable.get(recipient.contactId());
                if (member == null) {
                    ineligible++;
                    continue;
                }
                ScheduledEmail email = RecipientEmails.resend(campaign, number, member, recipient.emailId(), now);
                emails.add(email);
                entries.add(new CampaignRecipients.Entry(email.id(), member.id(), recipient.emailId()));
            }
            if (!emails.isEmpty()) {
                try {
                    publisher.send(publisher.pack(emails));
                } catch (IntakeUnavailableException e) {
                    throw new ProblemException(ProblemType.UNAVAILABLE, "The intake queue is unavailable after "
                            + resent + " resent emails; repeat the request to continue");
                }
                ledger.record(tenant, campaignId, number, entries);
                resent += emails.size();
            }
            after = page.getLast().emailId();
        }
    }
}
