package dev.postdate.clickhouse.keys;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/** A key that is not revoked: its tenant, and when it stops being accepted (null: never). */
public record ActiveKey(String tenant, @Nullable Instant expiresAt) {

    public boolean acceptedAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }
}
