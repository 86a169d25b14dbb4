package dev.postdate.clickhouse.ingest;

import java.time.Instant;

/**
 * One row of the {@code emails} table as the ingest consumer writes it.
 *
 * @param payload the JSON of the email's content
 */
public record EmailRow(
        Instant sendAt,
        long seq,
        String id,
        String tenant,
        String batchId,
        Instant acceptedAt,
        String payload) {
}
