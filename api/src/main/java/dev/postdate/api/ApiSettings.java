package dev.postdate.api;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.convert.format.ReadableBytes;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import java.time.Duration;
import java.util.List;

/**
 * Every limit of the api; defaults in application.yml, overridable as POSTDATE_API_*.
 *
 * @param keysRefresh       how often the in-memory key table is reloaded from ClickHouse: a
 *                          revoked key is refused within this interval (a new one is accepted at once)
 * @param keysMaxStaleness  how long a key table whose reloads fail is still used; after that every
 *                          request is refused (503) until a reload succeeds
 * @param keysLookupCacheSize most answers of lookups of keys not in the table kept (found or not)
 * @param keysLookupsInFlight most lookups of keys not in the table running at once; more get 503
 * @param maxBodyBytesInFlight most request body bytes held at once across all requests; more get 503
 * @param bodyBytesRetryAfter  the Retry-After of that 503
 * @param maxBatchEmails    most emails in one batch request
 * @param maxEmailBytes     most bytes of html + text + data (as JSON) in one email
 * @param maxIdLength       longest batch_id and idempotency_key
 * @param reservedHeaders   headers a client may not set (case-insensitive); {@code Name-*} reserves
 *                          every header starting with {@code Name-}
 * @param schedulingHorizon how far ahead send_at may be
 * @param maxPacketBytes    largest intake SQS message body (SQS: 262,144 bytes with attributes)
 * @param maxSqsCallBytes   largest sum of bodies in one SendMessageBatch call (SQS limit: 262,144)
 * @param sqsMaxInFlight    SendMessageBatch calls in flight at once across all requests
 * @param sqsAttempts       attempts per message when SQS fails single entries of a batch call
 * @param idempotencyTtl    how long an idempotency key is remembered
 * @param idempotencyRetryAfter the {@code Retry-After} of a 409 to a replay whose original request
 *                          is still in progress: about the time an intake send takes
 * @param acceptedTtl       how long the api itself answers for an accepted email that the ingest
 *                          consumer has not stored yet
 * @param stateRetention    how long after send_at a cancel is kept in the send guard
 * @param batchControlTtl   how long a batch pause or cancel is kept: at least the scheduling horizon
 * @param coalesceBelow     requests with fewer emails than this share intake messages with
 *                          concurrent requests instead of sending their own (0: never)
 * @param coalesceLinger    how long a shared message waits for more requests before it is sent
 * @param coalesceMaxEmails most emails gathered into one shared send
 * @param erasureWriteTimeout how long a recipient erasure waits for ClickHouse to take the cancel
 *                          events of the emails it stops
 */
@ConfigurationProperties("postdate.api")
public record ApiSettings(
        @NotNull Duration keysRefresh,
        @NotNull Duration keysMaxStaleness,
        @Positive int keysLookupCacheSize,
        @Positive int keysLookupsInFlight,
        @ReadableBytes @Positive long maxBodyBytesInFlight,
        @NotNull Duration bodyBytesRetryAfter,
        @Positive int maxBatchEmails,
        @Positive int maxEmailBytes,
        @Positive int maxIdLength,
        @NotNull List<String> reservedHeaders,
        @NotNull Duration schedulingHorizon,
        @Positive int maxPacketBytes,
        @Positive int maxSqsCallBytes,
        @Positive int sqsMaxInFlight,
        @Positive int sqsAttempts,
        @NotNull Duration idempotencyTtl,
        @NotNull Duration idempotencyRetryAfter,
        @NotNull Duration acceptedTtl,
        @NotNull Duration stateRetention,
        @NotNull Duration batchControlTtl,
        @PositiveOrZero int coalesceBelow,
        @NotNull Duration coalesceLinger,
        @Positive int coalesceMaxEmails,
        @NotNull Duration erasureWriteTimeout) {
}
