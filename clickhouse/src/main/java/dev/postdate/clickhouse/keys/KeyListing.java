package dev.postdate.clickhouse.keys;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/** What an operator sees of a key: never its secret or hash. Null times: never expires / not revoked. */
public record KeyListing(String keyId, String tenant, Instant createdAt, @Nullable Instant expiresAt,
                         @Nullable Instant revokedAt) {
}
