package dev.postdate.clickhouse.status;

import java.time.Instant;

/** An ingested email's identity and schedule, without its content. */
public record StoredEmail(String id, String batchId, Instant sendAt, Instant acceptedAt) {
}
