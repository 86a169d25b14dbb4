package dev.postdate.clickhouse.ingest;

import java.time.Instant;

/**
 * One row of the {@code emails} table as the ingest consumer writes it.
 *
 * @param payload the UTF-8 JSON of the email's content, as the api serialized it (never decoded here)
 */
public record EmailRow(
        Instant sendAt,
        long seq,
        String id,
        String tenant,
        String batchId,
        Instant acceptedAt,
        byte[] payload) {
}
