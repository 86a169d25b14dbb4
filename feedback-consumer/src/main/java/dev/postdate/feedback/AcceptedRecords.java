package dev.postdate.feedback;

import jakarta.inject.Singleton;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many non-empty inserts into {@code feedback_events} ClickHouse has accepted from this consumer,
 * from either queue or mailbox: the witness that it takes inserts into the table the records go to,
 * without which a refusal is not held against the message refused ({@link HiddenRetries}).
 */
@Singleton
class AcceptedRecords {

    private final AtomicLong accepted = new AtomicLong();

    void accepted() {
        accepted.incrementAndGet();
    }

    long count() {
        return accepted.get();
    }
}
