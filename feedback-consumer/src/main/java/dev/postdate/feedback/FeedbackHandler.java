package dev.postdate.feedback;

import dev.postdate.clickhouse.feedback.FeedbackEvent;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.feedback.ProviderMessages;
import dev.postdate.clickhouse.feedback.SentEmail;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import dev.postdate.core.retry.Backoff;
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
                retryLater(message, settings.failureBackoff());
            }
        }
        Backoff backoff = new Backoff(settings.failureBackoff(), settings.retryMaxBackoff());
        while (!parsed.isEmpty()) {
            try {
                record(parsed);
                return;
            } catch (RuntimeException e) {
                metrics.notification("failed");
                if (!running.getAsBoolean()) {
                    parsed.keySet().forEach(message -> retryLater(message, Duration.ZERO));
                    return;
                }
                Duration wait = backoff.afterFailure();
                LOG.warn("Recording {} feedback notifications failed; trying again in {} ms: {}", parsed.size(),
                        wait.toMillis(), e.getMessage());
                parsed.keySet().forEach(message -> hide(message, wait.plus(settings.visibilityTimeout())));
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    parsed.keySet().forEach(message -> retryLater(message, Duration.ZERO));
                    return;
                }
            }
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
                retryLater(message, settings.lookupRetry());
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

    /** Visible again after {@code base} times its receives (zero: at once). */
    private void retryLater(Message message, Duration base) {
        hide(message, base.multipliedBy(FeedbackQueue.receiveCount(message)));
    }

    private void hide(Message message, Duration timeout) {
        try {
            queue.changeVisibility(message, timeout);
        } catch (RuntimeException e) {
            LOG.debug("Visibility of feedback message {} not changed; it reappears after the visibility timeout: {}",
                    message.messageId(), e.getMessage());
        }
    }
}
