package dev.postdate.clickhouse.suppressions;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * One entry of a tenant's suppression list.
 *
 * @param entry   a lower-case address, or a domain (no {@code @}) that suppresses every address at it
 * @param expires null: never
 */
public record Suppression(String entry, String reason, String source, Instant created, @Nullable Instant expires) {

    public boolean isDomain() {
        return entry.indexOf('@') < 0;
    }
}
