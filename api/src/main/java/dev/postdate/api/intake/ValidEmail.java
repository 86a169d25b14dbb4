package dev.postdate.api.intake;

import dev.postdate.core.email.EmailContent;
import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * An email that passed every check, ready to be accepted.
 *
 * @param parsed          as read, for field names in later problems
 * @param content         what will be sent
 * @param requestedSendAt the client's send_at, or null for "as soon as possible"
 * @param batchId         the client's batch, "" for none
 * @param idempotencyKey  the client's key, or null
 * @param fingerprint     SHA-256 of the email's canonical JSON when it has an idempotency key
 */
public record ValidEmail(
        ParsedEmail parsed,
        EmailContent content,
        @Nullable Instant requestedSendAt,
        String batchId,
        @Nullable String idempotencyKey,
        @Nullable String fingerprint) {
}
