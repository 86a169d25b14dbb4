package dev.postdate.clickhouse.templates;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.core.template.TemplateSettings;
import dev.postdate.core.template.TemplateSource;
import dev.postdate.core.template.TemplateVersion;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Template versions in ClickHouse ({@code templates}, ReplacingMergeTree ordered by tenant, name,
 * version). A version never changes once written, so found versions are kept in memory (bounded by
 * {@code postdate.templates.cache-size}); "latest" and the version list are always read.
 */
@Singleton
public class TemplateStore implements TemplateSource {

    /** A version as listed: its number and when it was saved. */
    public record VersionInfo(int version, Instant createdAt) {
    }

    private record Key(String tenant, String name, int version) {
    }

    private static final String COLUMNS = "SELECT version, subject, html, text, toUnixTimestamp(created_at)";

    private final ClickHouseSql sql;
    private final Cache<Key, TemplateVersion> versions;

    public TemplateStore(ClickHouseSql sql, TemplateSettings settings) {
        this.sql = sql;
        this.versions = Caffeine.newBuilder().maximumSize(settings.cacheSize())
                .executor(Runnable::run) // evict on the writing thread: the bound holds at once
                .build();
    }

    /** Writes a version whose number the caller reserved; writing the same version twice is harmless. */
    public void insert(TemplateVersion v) {
        sql.insert(sql.table("templates"), List.of("tenant", "name", "version", "subject", "html", "text", "created_at"),
                List.of(v), (out, t) -> {
                    out.string(t.tenant());
                    out.string(t.name());
                    out.uint32(t.version());
                    out.string(t.subject());
                    out.string(orEmpty(t.html()));
                    out.string(orEmpty(t.text()));
                    out.dateTime(t.createdAt());
                });
        versions.put(new Key(v.tenant(), v.name(), v.version()), v);
    }

    @Override
    public Optional<TemplateVersion> find(String tenant, String name, int version) {
        Key key = new Key(tenant, name, version);
        TemplateVersion cached = versions.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<TemplateVersion> found = first(tenant, name, sql.select(Sql.of(COLUMNS + " FROM " + sql.table("templates")
                + " WHERE ").sql(of(tenant, name)).sql(" AND version = " + version + " LIMIT 1")));
        // Absence is not cached: a version being saved right now appears a moment later.
        found.ifPresent(v -> versions.put(key, v));
        return found;
    }

    @Override
    public Optional<TemplateVersion> latest(String tenant, String name) {
        Optional<TemplateVersion> found = first(tenant, name, sql.select(Sql.of(COLUMNS + " FROM " + sql.table("templates")
                + " WHERE ").sql(of(tenant, name)).sql(" ORDER BY version DESC LIMIT 1")));
        found.ifPresent(v -> versions.put(new Key(tenant, name, v.version()), v));
        return found;
    }

    /** Every version of a template, oldest first; empty when the tenant has no such template. */
    public List<VersionInfo> versions(String tenant, String name) {
        return sql.select(Sql.of("SELECT version, toUnixTimestamp(min(created_at)) FROM " + sql.table("templates")
                        + " WHERE ").sql(of(tenant, name)).sql(" GROUP BY version ORDER BY version")).stream()
                .map(row -> new VersionInfo(Integer.parseInt(row.get(0)), Instant.ofEpochSecond(Long.parseLong(row.get(1)))))
                .toList();
    }

    /** The highest version stored, 0 for none: the floor of the version counter. */
    public int maxVersion(String tenant, String name) {
        List<List<String>> rows = sql.select(Sql.of("SELECT max(version) FROM " + sql.table("templates") + " WHERE ")
                .sql(of(tenant, name)));
        return rows.isEmpty() ? 0 : Integer.parseInt(rows.getFirst().getFirst());
    }

    private static Sql of(String tenant, String name) {
        return Sql.of("tenant = ").value(tenant).sql(" AND name = ").value(name);
    }

    private static Optional<TemplateVersion> first(String tenant, String name, List<List<String>> rows) {
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<String> row = rows.getFirst();
        return Optional.of(new TemplateVersion(tenant, name, Integer.parseInt(row.get(0)), row.get(1),
                emptyToNull(row.get(2)), emptyToNull(row.get(3)), Instant.ofEpochSecond(Long.parseLong(row.get(4)))));
    }

    private static String orEmpty(@Nullable String value) {
        return value == null ? "" : value;
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
