package dev.postdate.clickhouse.audiences;

import java.time.Instant;

/** One saved version of an audience; {@code rule} is its JSON as the tenant sent it. */
public record AudienceVersion(String tenant, String id, int version, String name, String rule, Instant createdAt) {
}
