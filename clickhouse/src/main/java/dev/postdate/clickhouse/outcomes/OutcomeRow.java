package dev.postdate.clickhouse.outcomes;

import dev.postdate.core.state.EmailStatus;

import java.time.Instant;

/**
 * One row for {@code email_events}: what a worker did with an email (or that it queued it).
 *
 * @param sendAtEpochSecond the email's send time and {@code seq} its arrival sequence: its key, by
 *                          which a later pass finds this outcome ({@code recorded_outcomes})
 */
public record OutcomeRow(String tenant, String id, String batchId, long sendAtEpochSecond, long seq,
                         EmailStatus state, Instant at, String detail) {

    public static OutcomeRow of(RangeEmail email, EmailStatus state, Instant at, String detail) {
        return new OutcomeRow(email.tenant(), email.id(), email.batchId(), email.sendAtEpochSecond(), email.seq(),
                state, at, detail);
    }
}
