package dev.postdate.feedback;

import dev.postdate.core.retry.Backoff;
import dev.postdate.core.sqs.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.Collection;
import java.util.function.BooleanSupplier;

/**
 * How a queue's messages wait for another try: hidden by visibility changes, never handed back
 * early, because every receive counts towards the queue's maximum and an outage of ClickHouse must
 * not push them into the dead-letter queue.
 */
final class HiddenRetries {

    private static final Logger LOG = LoggerFactory.getLogger(HiddenRetries.class);

    private final MessageQueue queue;
    private final FeedbackSettings settings;

    HiddenRetries(MessageQueue queue, FeedbackSettings settings) {
        this.queue = queue;
        this.settings = settings;
    }

    /**
     * Runs {@code record} until it succeeds, the messages kept hidden and tried again after
     * {@code failure-backoff}, doubling up to {@code retry-max-backoff}; {@code onFailure} counts each
     * failed try. Stopping hands them back at once. Returns whether {@code record} succeeded.
     */
    boolean recordUntilDone(Collection<Message> messages, Runnable record, BooleanSupplier running, Runnable onFailure) {
        Backoff backoff = new Backoff(settings.failureBackoff(), settings.retryMaxBackoff());
        while (true) {
            try {
                record.run();
                return true;
            } catch (RuntimeException e) {
                onFailure.run();
                if (!running.getAsBoolean()) {
                    messages.forEach(message -> retryLater(message, Duration.ZERO));
                    return false;
                }
                Duration wait = backoff.afterFailure();
                LOG.warn("Recording {} messages of {} failed; trying again in {} ms: {}", messages.size(),
                        queue.getClass().getSimpleName(), wait.toMillis(), e.getMessage());
                messages.forEach(message -> hide(message, wait.plus(settings.visibilityTimeout())));
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    messages.forEach(message -> retryLater(message, Duration.ZERO));
                    return false;
                }
            }
        }
    }

    /** Visible again after {@code base} times its receives (zero: at once). */
    void retryLater(Message message, Duration base) {
        hide(message, base.multipliedBy(MessageQueue.receiveCount(message)));
    }

    private void hide(Message message, Duration timeout) {
        try {
            queue.changeVisibility(message, timeout);
        } catch (RuntimeException e) {
            LOG.debug("Visibility of message {} not changed; it reappears after the visibility timeout: {}",
                    message.messageId(), e.getMessage());
        }
    }
}
