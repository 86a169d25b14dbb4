package dev.postdate.feedback;

import dev.postdate.clickhouse.InsertRefusals;
import dev.postdate.core.retry.Backoff;
import dev.postdate.core.sqs.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * How a queue's messages wait for another try: hidden by visibility changes, never handed back
 * early, because every receive counts towards the queue's maximum and an outage of ClickHouse must
 * not push them into the dead-letter queue; only what ClickHouse itself refuses gets there.
 */
final class HiddenRetries {

    private static final Logger LOG = LoggerFactory.getLogger(HiddenRetries.class);

    private final MessageQueue queue;
    private final FeedbackSettings settings;
    private final AcceptedRecords accepted;

    HiddenRetries(MessageQueue queue, FeedbackSettings settings, AcceptedRecords accepted) {
        this.queue = queue;
        this.settings = settings;
        this.accepted = accepted;
    }

    /**
     * Runs {@code record} over the messages until it succeeds, the messages kept hidden and tried again
     * after {@code failure-backoff}, doubling up to {@code retry-max-backoff}: an outage costs time,
     * never a receive. A refusal by ClickHouse ({@link InsertRefusals}: its own error about the data)
     * may be the data's doing: from then on each message is recorded alone, and one that ClickHouse
     * refuses after it accepted another insert since the first refusal ({@link AcceptedRecords}) goes
     * back to the queue after {@code failure-backoff} times its receives, which count, so that the
     * queue's redrive policy dead-letters it while the others are recorded. Without such a witness a
     * refusal is waited out like an outage. Every message still to record is hidden at each wait.
     * {@code record} deletes what it recorded; {@code onFailure} counts each failed try. Stopping
     * hands the messages back at once.
     */
    void recordUntilDone(Collection<Message> messages, Consumer<Collection<Message>> record, BooleanSupplier running,
                         Runnable onFailure) {
        Backoff backoff = new Backoff(settings.failureBackoff(), settings.retryMaxBackoff());
        List<Message> left = new ArrayList<>(messages);
        long refusedAt = -1;
        while (true) {
            if (refusedAt < 0) {
                try {
                    record.accept(left);
                    return;
                } catch (RuntimeException e) {
                    onFailure.run();
                    if (InsertRefusals.refusal(e).isPresent()) {
                        refusedAt = accepted.count();
                        LOG.warn("ClickHouse refused the records of {} messages of {}; recording them one at a time",
                                left.size(), queue.getClass().getSimpleName());
                    }
                    logRetry(left, e);
                }
            } else {
                for (Iterator<Message> it = left.iterator(); it.hasNext(); ) {
                    Message message = it.next();
                    try {
                        record.accept(List.of(message));
                        it.remove();
                    } catch (RuntimeException e) {
                        onFailure.run();
                        if (InsertRefusals.refusal(e).isPresent() && accepted.count() > refusedAt) {
                            giveUp(message, e);
                            it.remove();
                        }
                    }
                }
                if (left.isEmpty()) {
                    return;
                }
            }
            if (!running.getAsBoolean() || !pause(left, backoff.afterFailure())) {
                left.forEach(message -> retryLater(message, Duration.ZERO));
                return;
            }
        }
    }

    private void logRetry(List<Message> left, RuntimeException e) {
        LOG.warn("Recording {} messages of {} failed; trying again: {}", left.size(), queue.getClass().getSimpleName(),
                e.getMessage());
    }

    /** Keeps the messages hidden through the wait; false when interrupted. */
    private boolean pause(List<Message> left, Duration wait) {
        left.forEach(message -> hide(message, wait.plus(settings.visibilityTimeout())));
        try {
            Thread.sleep(wait);
            return true;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void giveUp(Message message, RuntimeException refusal) {
        LOG.warn("ClickHouse refused the records of message {} (code {}) again after accepting others; it goes back"
                + " to the queue, and to the dead-letter queue after the queue's maximum receives", message.messageId(),
                InsertRefusals.refusal(refusal).orElseThrow());
        retryLater(message, settings.failureBackoff());
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
