package dev.postdate.clickhouse.contacts;

import java.time.Instant;

/** A contact's answer for one topic: granted or withdrawn, when, and where the answer came from. */
public record Consent(boolean granted, Instant at, String source) {
}
