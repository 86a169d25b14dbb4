package dev.postdate.feedback;

import dev.postdate.clickhouse.feedback.FeedbackEvent;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.feedback.ProviderMessages;
import dev.postdate.clickhouse.feedback.SentEmail;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records provider notifications, whichever way they came (SES through SQS or SNS, DSNs from the
 * bounce mailbox): one lookup of their emails by provider id, one insert of their events, then the
 * suppressions the policy calls for. Recording the same notification again writes nothing new.
 */
@Singleton
class NotificationRecorder {

    private final ProviderMessages providerMessages;
    private final FeedbackEventStore events;
    private final SuppressionPolicy policy;
    private final SuppressionStore suppressions;
    private final FeedbackMetrics metrics;
    private final Clock clock;
    private final AcceptedRecords accepted;

    NotificationRecorder(ProviderMessages providerMessages, FeedbackEventStore events, SuppressionPolicy policy,
                         SuppressionStore suppressions, FeedbackMetrics metrics, Clock clock, AcceptedRecords accepted) {
        this.providerMessages = providerMessages;
        this.events = events;
        this.policy = policy;
        this.suppressions = suppressions;
        this.metrics = metrics;
        this.clock = clock;
        this.accepted = accepted;
    }

    /**
     * The notifications recorded: those whose email was found. The others (their email's 'sent' event
     * not recorded yet, or mail Postdate did not send) are the caller's to look at again.
     */
    Set<ProviderNotification> record(Collection<ProviderNotification> notifications) {
        Map<String, SentEmail> sent = providerMessages.find(notifications.stream().map(ProviderNotification::providerId).toList());
        Instant received = clock.instant();
        List<FeedbackEvent> recorded = new ArrayList<>();
        Set<ProviderNotification> matched = new LinkedHashSet<>();
        for (ProviderNotification notification : notifications) {
            SentEmail email = sent.get(notification.providerId());
            if (email == null) {
                continue;
            }
            matched.add(notification);
            for (ProviderNotification.Recipient recipient : notification.recipients()) {
                recorded.add(new FeedbackEvent(email.tenant(), recipient.address(), notification.type(),
                        notification.notificationId(), email.emailId(), email.batchId(), notification.providerId(),
                        notification.subtype(), recipient.detail(), notification.at(), received));
            }
        }
        events.record(recorded);
        if (!recorded.isEmpty()) {
            accepted.accepted();
        }
        for (ProviderNotification notification : matched) {
            String tenant = sent.get(notification.providerId()).tenant();
            List<Suppression> entries = policy.suppressionsAfter(tenant, notification);
            suppressions.add(tenant, entries);
            entries.forEach(entry -> metrics.suppressed(entry.reason()));
            metrics.events(notification.type(), notification.recipients().size());
        }
        return matched;
    }
}
