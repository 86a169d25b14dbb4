package dev.postdate.feedback;

import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Handles what one long poll of the feedback queue brought, together: the {@link NotificationRecorder}
 * records them, and only then are they deleted. A crash anywhere before a delete leaves the
 * notification on the queue, and handling it again records nothing twice (its events fold by
 * notification id; a suppression already in force is not written again).
 */
@Singleton
class FeedbackHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FeedbackHandler.class);

    private final SesNotifications notifications;
    private final NotificationRecorder recorder;
    private final FeedbackQueue queue;
    private final FeedbackSettings settings;
    private final FeedbackMetrics metrics;
    private final HiddenRetries retries;

    FeedbackHandler(SesNotifications notifications, NotificationRecorder recorder, FeedbackQueue queue,
                    FeedbackSettings settings, FeedbackMetrics metrics, AcceptedRecords accepted) {
        this.notifications = notifications;
        this.recorder = recorder;
        this.queue = queue;
        this.settings = settings;
        this.metrics = metrics;
        this.retries = new HiddenRetries(queue, settings, accepted);
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
            retries.recordUntilDone(parsed.keySet(), some -> record(some, parsed), running,
                    () -> metrics.notification("failed"));
        }
    }

    private void record(Collection<Message> messages, Map<Message, ProviderNotification> parsed) {
        Map<Message, ProviderNotification> some = new LinkedHashMap<>();
        messages.forEach(message -> some.put(message, parsed.get(message)));
        Set<ProviderNotification> matched = recorder.record(some.values());
        some.forEach((message, notification) -> {
            if (matched.contains(notification)) {
                queue.delete(message);
                metrics.notification("handled");
            } else {
                // Its 'sent' event may not be recorded yet (the worker records outcomes after the call), or
                // the message is not Postdate's (a shared topic): looked at again, dead-lettered in the end.
                LOG.info("Feedback message {}: no email sent as provider message {} (yet)", message.messageId(),
                        notification.providerId());
                metrics.notification("unmatched");
                retries.retryLater(message, settings.lookupRetry());
            }
        });
    }
}
