package dev.postdate.core.sqs.dlq;

import java.util.Locale;
import java.util.Optional;

/** Postdate's dead-letter queues, named by the queue they serve. */
public enum DeadLetterQueue {
    /** Intake packets: undecodable ones and poison packets that ClickHouse keeps refusing (docs/ingest.md). */
    INTAKE,
    /** Ranges: undecodable ones, bugs, and ranges that failed the queue's maximum receives (docs/worker.md). */
    RANGES,
    /** SES notifications the feedback consumer could not use within the queue's maximum receives (docs/tracking.md). */
    FEEDBACK,
    /** Tracking events that could not be read or recorded within the queue's maximum receives (docs/tracking.md). */
    TRACKING;

    /** {@code intake}, {@code ranges}, {@code feedback} or {@code tracking}: the name operators type and the metric's tag. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DeadLetterQueue> fromWireName(String name) {
        for (DeadLetterQueue queue : values()) {
            if (queue.wireName().equals(name)) {
                return Optional.of(queue);
            }
        }
        return Optional.empty();
    }
}
