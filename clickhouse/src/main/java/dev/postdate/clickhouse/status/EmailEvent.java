package dev.postdate.clickhouse.status;

import dev.postdate.core.state.EmailStatus;

import java.time.Instant;

/** One row of {@code email_events}: what happened to an email after it was stored. */
public record EmailEvent(EmailStatus state, Instant at, String detail) {
}
