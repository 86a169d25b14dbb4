package dev.postdate.clickhouse.suppressions;

import dev.postdate.clickhouse.senders.SenderIdentities;
import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * One entry of a tenant's suppression list.
 *
 * @param entry   a lower-case address, or a domain (no {@code @}) that suppresses every address at it
 * @param expires null: never
 */
public record Suppression(String entry, String reason, String source, Instant created, @Nullable Instant expires) {

    /** The stored form of an address or domain: lower-case, the domain in punycode (entries match case-insensitively). */
    public static Optional<String> entryOf(String addressOrDomain) {
        return SenderIdentities.normalize(addressOrDomain).map(s -> s.toLowerCase(Locale.ROOT));
    }

    public boolean isDomain() {
        return entry.indexOf('@') < 0;
    }
}
