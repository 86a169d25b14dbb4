package dev.postdate.feedback;

import dev.postdate.clickhouse.feedback.FeedbackEvent;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.feedback.ProviderMessages;
import dev.postdate.clickhouse.feedback.SentEmail;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Handles what one long poll brought, together: one lookup of the emails, one insert of their events,
 * the suppressions they call for, and only then the deletes. A crash anywhere before a delete leaves
 * the notification on the queue, and handling it again records nothing twice (its events fold by
 * notification id; a suppression already in force is not written again).
 */
@Singleton
class FeedbackHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FeedbackHandler.class);

    private final SesNotifications notifications;
    private final ProviderMessages providerMessages;
    private final FeedbackEventStore events;
    private final SuppressionPolicy policy;
    private final SuppressionStore suppressions;
    private final FeedbackQueue queue;
    private final FeedbackSettings settings;
    private final FeedbackMetrics metrics;
    private final Clock clock;
    private final HiddenRetries retries;

    FeedbackHandler(SesNotifications notifications, ProviderMessages providerMessages, FeedbackEventStore events,
                    SuppressionPolicy policy, SuppressionStore suppressions, FeedbackQueue queue,
                    FeedbackSettings settings, FeedbackMetrics metrics, Clock clock) {
        this.notifications = notifications;
        this.providerMessages = providerMessages;
        this.events = events;
        this.policy = policy;
        this.suppressions = suppressions;
        this.queue = queue;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.retries = new HiddenRetries(queue, settings);
    }

    /**
     * While ClickHouse fails, the notifications are kept hidden and recorded again with a backoff,
     * rather than handed back: every receive counts towards the queue's maximum, and an outage must
     * not push bounces and complaints into the dead-letter queue. Stopping hands them back at once.
     */
    void handle(List<Message> messages, BooleanSupplier running) {
        Map<Message, ProviderNotification> parsed = new LinkedHashMap<>();
        for (Message message : messages) {
            try {
                Optional<ProviderNotification> notification = notifications.parse(message.body());
                if (notification.isPresent()) {
                    parsed.put(message, notification.get());
                } else {
                    queue.delete(message);
                    metrics.notification("ignored");
                }
            } catch (SesNotifications.Malformed e) {
                LOG.warn("Feedback message {} is no SES notification ({}); it reaches the dead-letter queue after "
                        + "the queue's maximum receives", message.messageId(), e.getMessage());
                metrics.notification("malformed");
                retries.retryLater(message, settings.failureBackoff());
            }
        }
        if (!parsed.isEmpty()) {
            retries.recordUntilDone(parsed.keySet(), () -> record(parsed), running,
                    () -> metrics.notification("failed"));
        }
    }

    private void record(Map<Message, ProviderNotification> parsed) {
        Map<String, SentEmail> sent = providerMessages.find(parsed.values().stream().map(ProviderNotification::providerId).toList());
        Instant received = clock.instant();
        List<FeedbackEvent> recorded = new ArrayList<>();
        Map<Message, ProviderNotification> matched = new LinkedHashMap<>();
        parsed.forEach((message, notification) -> {
            SentEmail email = sent.get(notification.providerId());
            if (email == null) {
                // Its 'sent' event may not be recorded yet (the worker records outcomes after the call), or
                // the message is not Postdate's (a shared topic): looked at again, dead-lettered in the end.
                LOG.info("Feedback message {}: no email sent as provider message {} (yet)", message.messageId(),
                        notification.providerId());
                metrics.notification("unmatched");
                retries.retryLater(message, settings.lookupRetry());
                return;
            }
            matched.put(message, notification);
            for (ProviderNotification.Recipient recipient : notification.recipients()) {
                recorded.add(new FeedbackEvent(email.tenant(), recipient.address(), notification.type(),
                        notification.notificationId(), email.emailId(), email.batchId(), notification.providerId(),
                        notification.subtype(), recipient.detail(), notification.at(), received));
            }
        });
        events.record(recorded);
        matched.forEach((message, notification) -> {
            String tenant = sent.get(notification.providerId()).tenant();
            List<Suppression> entries = policy.suppressionsAfter(tenant, notification);
            suppressions.add(tenant, entries);
            entries.forEach(entry -> metrics.suppressed(entry.reason()));
            metrics.events(notification.type(), notification.recipients().size());
        });
        matched.keySet().forEach(message -> {
            queue.delete(message);
            metrics.notification("handled");
        });
    }
}
