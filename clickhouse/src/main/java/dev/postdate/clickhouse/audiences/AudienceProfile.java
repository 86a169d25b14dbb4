package dev.postdate.clickhouse.audiences;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a campaign's dry run tells about the contacts it would mail now ({@link AudienceSql#eligible}):
 * their domains, their time zones, and who lacks a value the template reads. The same conditions as
 * the expander's pages, so the dry run counts whom a send would reach.
 */
@Singleton
public class AudienceProfile {

    /** How many recipients lack a value, and the first of them by id. */
    public record Lacking(long recipients, List<String> contactIds) {
    }

    private final ClickHouseSql sql;
    private final AudienceSql audiences;

    public AudienceProfile(ClickHouseSql sql, SuppressionStore suppressions) {
        this.sql = sql;
        this.audiences = new AudienceSql(sql, suppressions);
    }

    /** The {@code limit} commonest recipient domains with their counts, commonest first. */
    public Map<String, Long> domains(String tenant, Rule rule, Instant now, @Nullable String topic, int limit) {
        Map<String, Long> domains = new LinkedHashMap<>();
        for (List<String> row : sql.select("SELECT lower(substring(email, position(email, '@') + 1)) AS domain, count() AS n FROM "
                + eligible(tenant, rule, now, topic) + " GROUP BY domain ORDER BY n DESC, domain LIMIT " + limit)) {
            domains.put(row.get(0), Long.parseLong(row.get(1)));
        }
        return domains;
    }

    /** Recipients per stored time zone ("" for none). */
    public Map<String, Long> zones(String tenant, Rule rule, Instant now, @Nullable String topic) {
        Map<String, Long> zones = new LinkedHashMap<>();
        for (List<String> row : sql.select("SELECT timezone, count() FROM " + eligible(tenant, rule, now, topic)
                + " GROUP BY timezone ORDER BY timezone")) {
            zones.put(row.get(0), Long.parseLong(row.get(1)));
        }
        return zones;
    }

    /** Recipients without the attribute {@code name} (of any type), and the first {@code sample} of them. */
    public Lacking lackingAttribute(String tenant, Rule rule, Instant now, @Nullable String topic, String name, int sample) {
        String key = SqlLiteral.string(name);
        return lacking(tenant, rule, now, topic, "NOT has(str_keys, " + key + ") AND NOT has(num_keys, " + key
                + ") AND NOT has(bool_keys, " + key + ") AND NOT has(time_keys, " + key + ") AND NOT has(list_keys, "
                + key + ")", sample);
    }

    /** Recipients whose {@code field} (name, timezone or locale) is empty, and the first {@code sample} of them. */
    public Lacking lackingField(String tenant, Rule rule, Instant now, @Nullable String topic, String field, int sample) {
        if (!List.of("name", "timezone", "locale").contains(field)) {
            throw new IllegalArgumentException("not an optional contact field: " + field);
        }
        return lacking(tenant, rule, now, topic, field + " = ''", sample);
    }

    private Lacking lacking(String tenant, Rule rule, Instant now, @Nullable String topic, String condition, int sample) {
        String from = eligible(tenant, rule, now, topic) + " AND " + condition;
        long count = Long.parseLong(sql.select("SELECT count() FROM " + from).getFirst().getFirst());
        List<String> ids = count == 0 ? List.of() : sql.select("SELECT contact_id FROM " + from
                + " ORDER BY contact_id LIMIT " + sample).stream().map(List::getFirst).toList();
        return new Lacking(count, ids);
    }

    private String eligible(String tenant, Rule rule, Instant now, @Nullable String topic) {
        return audiences.matching(tenant, rule, now, "1") + " AND " + audiences.eligible(tenant, now, topic);
    }
}
