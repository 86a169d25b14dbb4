package dev.postdate.clickhouse.audiences;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** How many contacts an audience's rule selects now, by status and exclusion, and a sample of them ({@link AudienceSql}). */
@Singleton
public class AudienceCounts {

    /** A contact of a sample. */
    public record Member(String id, String email, String name) {
    }

    /**
     * What a rule matches: contacts per status, how many of the active ones are suppressed, and how
     * many of the active unsuppressed ones lack the consent a topic needs (0 without a topic).
     */
    public record Count(Map<ContactStatus, Long> byStatus, long suppressed, long unconsented) {

        public long matching() {
            return byStatus.values().stream().mapToLong(Long::longValue).sum();
        }

        /** The contacts a campaign mails: active, not suppressed, consented to its topic if it has one. */
        public long eligible() {
            return byStatus.get(ContactStatus.ACTIVE) - suppressed - unconsented;
        }
    }

    private final ClickHouseSql sql;
    private final AudienceSql audiences;

    public AudienceCounts(ClickHouseSql sql, SuppressionStore suppressions) {
        this.sql = sql;
        this.audiences = new AudienceSql(sql, suppressions);
    }

    /** @param topic the consent mail to this audience needs (docs/contacts.md), or null */
    public Count count(String tenant, Rule rule, Instant now, @Nullable String topic) {
        Map<ContactStatus, Long> byStatus = new EnumMap<>(ContactStatus.class);
        for (ContactStatus status : ContactStatus.values()) {
            byStatus.put(status, 0L);
        }
        long suppressed = 0;
        long unconsented = 0;
        for (List<String> row : sql.select(Sql.of("SELECT status, ").sql(audiences.suppressed(tenant, now))
                .sql(" AS is_suppressed, ").sql(AudienceSql.consented(topic)).sql(" AS is_consented, count() FROM ")
                .sql(audiences.matching(tenant, rule, now, Sql.of("1"))).sql(" GROUP BY status, is_suppressed, is_consented"))) {
            ContactStatus status = ContactStatus.of(row.get(0)).orElseThrow();
            long n = Long.parseLong(row.get(3));
            byStatus.merge(status, n, Long::sum);
            if (status == ContactStatus.ACTIVE && row.get(1).equals("1")) {
                suppressed += n;
            } else if (status == ContactStatus.ACTIVE && row.get(2).equals("0")) {
                unconsented += n;
            }
        }
        return new Count(byStatus, suppressed, unconsented);
    }

    /**
     * Up to {@code n} contacts the rule matches that would be mailed (consented to {@code topic} if
     * not null), a spread over ids that is the same on every call.
     */
    public List<Member> sample(String tenant, Rule rule, Instant now, @Nullable String topic, int n) {
        return sql.select(Sql.of("SELECT contact_id, email, name FROM ").sql(audiences.matching(tenant, rule, now, Sql.of("1")))
                        .sql(" AND ").sql(audiences.eligible(tenant, now, topic))
                        .sql(" ORDER BY cityHash64(contact_id), contact_id LIMIT " + n))
                .stream().map(row -> new Member(row.get(0), row.get(1), row.get(2).isEmpty() ? null : row.get(2))).toList();
    }
}
