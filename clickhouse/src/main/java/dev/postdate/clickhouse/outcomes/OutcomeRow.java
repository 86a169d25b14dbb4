package dev.postdate.clickhouse.outcomes;

import dev.postdate.core.state.EmailStatus;

import java.time.Instant;

/** One row for {@code email_events}: what a worker did with an email (or that it queued it). */
public record OutcomeRow(String tenant, String id, String batchId, EmailStatus state, Instant at, String detail) {
}
