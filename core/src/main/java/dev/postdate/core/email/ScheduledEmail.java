package dev.postdate.core.email;

import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * An accepted email as it travels from the api through the intake queue into ClickHouse.
 *
 * @param id         Postdate's id, returned to the client; the per-email send guard keys on it
 * @param tenant     owner; every read and write is scoped to it
 * @param batchId    the client's batch, or "" for none
 * @param sendAt     when it is due, whole seconds (ClickHouse DateTime); "as soon as possible" is the
 *                   acceptance time
 * @param acceptedAt when the api accepted it
 * @param content    what is sent
 */
@Serdeable
public record ScheduledEmail(
        String id,
        String tenant,
        String batchId,
        Instant sendAt,
        Instant acceptedAt,
        EmailContent content) {
}
