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
     * may be the data's doing: the messages are then recorded one at a time, and one that ClickHouse
     * refuses alone again after it accepted another record meanwhile ({@link AcceptedRecords}) goes
     * back to the queue after {@code failure-backoff} times its receives, which count, so that the
     * queue's redrive policy dead-letters it while the others are recorded. Without such a witness a
     * refusal is waited out like an outage. {@code record} deletes what it recorded; {@code onFailure}
     * counts each failed try. Stopping hands the messages back at once.
     */
    void recordUntilDone(Collection<Message> messages, Consumer<Collection<Message>> record, BooleanSupplier running,
                         Runnable onFailure) {
        recordUntilDone(messages, record, running, onFailure, -1);
    }

    /** @param witnessFrom the accepted records' count a refusal must be exceeded by to count; -1: from the first refusal on */
    private void recordUntilDone(Collection<Message> messages, Consumer<Collection<Message>> record,
                                 BooleanSupplier running, Runnable onFailure, long witnessFrom) {
        Backoff backoff = new Backoff(settings.failureBackoff(), settings.retryMaxBackoff());
        long acceptedAtFirstRefusal = witnessFrom;
        while (true) {
            try {
                record.accept(messages);
                accepted.accepted();
                return;
            } catch (RuntimeException e) {
                onFailure.run();
                if (InsertRefusals.refusal(e).isPresent()) {
                    if (messages.size() > 1) {
                        oneAtATime(messages, record, running, onFailure);
                        return;
                    }
                    if (acceptedAtFirstRefusal >= 0 && accepted.count() > acceptedAtFirstRefusal) {
                        giveUp(messages.iterator().next(), e);
                        return;
                    }
                    if (acceptedAtFirstRefusal < 0) {
                        acceptedAtFirstRefusal = accepted.count();
                    }
                }
                if (!running.getAsBoolean()) {
                    messages.forEach(message -> retryLater(message, Duration.ZERO));
                    return;
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
                    return;
                }
            }
        }
    }

    /**
     * Each message alone once, then those that failed until done: a sibling accepted in the first pass
     * is the witness that lets a second refusal of one count.
     */
    private void oneAtATime(Collection<Message> messages, Consumer<Collection<Message>> record, BooleanSupplier running,
                            Runnable onFailure) {
        LOG.warn("ClickHouse refused the records of {} messages of {}; recording them one at a time", messages.size(),
                queue.getClass().getSimpleName());
        long before = accepted.count();
        List<Message> failed = new ArrayList<>();
        for (Message message : messages) {
            try {
                record.accept(List.of(message));
                accepted.accepted();
            } catch (RuntimeException e) {
                onFailure.run();
                failed.add(message);
            }
        }
        failed.forEach(message -> recordUntilDone(List.of(message), record, running, onFailure, before));
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
