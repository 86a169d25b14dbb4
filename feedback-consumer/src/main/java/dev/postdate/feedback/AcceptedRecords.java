package dev.postdate.feedback;

import jakarta.inject.Singleton;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many records ClickHouse has accepted from this consumer, on either queue: the witness that it
 * takes inserts, without which a refusal is not held against the message refused ({@link HiddenRetries}).
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
