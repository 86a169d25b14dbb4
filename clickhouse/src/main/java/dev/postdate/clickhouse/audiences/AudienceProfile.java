package dev.postdate.clickhouse.audiences;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
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
        for (List<String> row : sql.select(Sql.of("SELECT lower(substring(email, position(email, '@') + 1)) AS domain, count() AS n FROM ")
                .sql(eligible(tenant, rule, now, topic)).sql(" GROUP BY domain ORDER BY n DESC, domain LIMIT " + limit))) {
            domains.put(row.get(0), Long.parseLong(row.get(1)));
        }
        return domains;
    }

    /** Recipients per stored time zone ("" for none). */
    public Map<String, Long> zones(String tenant, Rule rule, Instant now, @Nullable String topic) {
        Map<String, Long> zones = new LinkedHashMap<>();
        for (List<String> row : sql.select(Sql.of("SELECT timezone, count() FROM ").sql(eligible(tenant, rule, now, topic))
                .sql(" GROUP BY timezone ORDER BY timezone"))) {
            zones.put(row.get(0), Long.parseLong(row.get(1)));
        }
        return zones;
    }

    /** Recipients without the attribute {@code name} (of any type), and the first {@code sample} of them. */
    public Lacking lackingAttribute(String tenant, Rule rule, Instant now, @Nullable String topic, String name, int sample) {
        Sql key = Sql.valueOf(name);
        return lacking(tenant, rule, now, topic, Sql.of("NOT has(str_keys, ").sql(key).sql(") AND NOT has(num_keys, ").sql(key)
                .sql(") AND NOT has(bool_keys, ").sql(key).sql(") AND NOT has(time_keys, ").sql(key)
                .sql(") AND NOT has(list_keys, ").sql(key).sql(")"), sample);
    }

    /** Recipients whose {@code field} (name, timezone or locale) is empty, and the first {@code sample} of them. */
    public Lacking lackingField(String tenant, Rule rule, Instant now, @Nullable String topic, String field, int sample) {
        if (!List.of("name", "timezone", "locale").contains(field)) {
            throw new IllegalArgumentException("not an optional contact field: " + field);
        }
        return lacking(tenant, rule, now, topic, Sql.of(field + " = ''"), sample);
    }

    private Lacking lacking(String tenant, Rule rule, Instant now, @Nullable String topic, Sql condition, int sample) {
        Sql from = eligible(tenant, rule, now, topic).sql(" AND ").sql(condition);
        long count = Long.parseLong(sql.select(Sql.of("SELECT count() FROM ").sql(from)).getFirst().getFirst());
        List<String> ids = count == 0 ? List.of() : sql.select(Sql.of("SELECT contact_id FROM ").sql(from)
                .sql(" ORDER BY contact_id LIMIT " + sample)).stream().map(List::getFirst).toList();
        return new Lacking(count, ids);
    }

    private Sql eligible(String tenant, Rule rule, Instant now, @Nullable String topic) {
        return audiences.matching(tenant, rule, now, Sql.of("1")).sql(" AND ").sql(audiences.eligible(tenant, now, topic));
    }
}
