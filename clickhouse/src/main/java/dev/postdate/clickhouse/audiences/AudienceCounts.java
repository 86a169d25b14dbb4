package dev.postdate.clickhouse.audiences;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Who an audience's rule selects among a tenant's contacts now. Each contact counts once, as its
 * latest version: the rule is applied to the rows {@code FINAL} leaves, in an outer query, so that
 * no condition filters rows before versions fold (a condition on an old version would count it).
 * An active contact whose address, or its domain, is on the tenant's suppression list is not mailed.
 */
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
    private final RuleSql rules;
    private final SuppressionStore suppressions;

    public AudienceCounts(ClickHouseSql sql, SuppressionStore suppressions) {
        this.sql = sql;
        this.rules = new RuleSql(sql);
        this.suppressions = suppressions;
    }

    /** @param topic the consent mail to this audience needs (docs/contacts.md), or null */
    public Count count(String tenant, Rule rule, Instant now, @Nullable String topic) {
        Map<ContactStatus, Long> byStatus = new EnumMap<>(ContactStatus.class);
        for (ContactStatus status : ContactStatus.values()) {
            byStatus.put(status, 0L);
        }
        long suppressed = 0;
        long unconsented = 0;
        for (List<String> row : sql.select("SELECT status, " + suppressed(tenant, now) + " AS is_suppressed, "
                + consented(topic) + " AS is_consented, count() FROM " + matching(tenant, rule, now)
                + " GROUP BY status, is_suppressed, is_consented")) {
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
        return sql.select("SELECT contact_id, email, name FROM " + matching(tenant, rule, now) + " AND status = "
                        + SqlLiteral.string(ContactStatus.ACTIVE.wireName()) + " AND NOT " + suppressed(tenant, now)
                        + " AND " + consented(topic) + " ORDER BY cityHash64(contact_id), contact_id LIMIT " + n)
                .stream().map(row -> new Member(row.get(0), row.get(1), row.get(2).isEmpty() ? null : row.get(2))).toList();
    }

    /** 1 when the contact granted the topic's consent, or there is no topic. */
    private static String consented(@Nullable String topic) {
        return topic == null ? "1" : "has(consented, " + SqlLiteral.string(topic) + ")";
    }

    /** 1 when the contact's address or its domain is suppressed now. */
    private String suppressed(String tenant, Instant now) {
        String entries = suppressions.activeEntriesSubquery(tenant, now);
        return "(lower(email) IN (" + entries + ") OR lower(substring(email, position(email, '@') + 1)) IN (" + entries + "))";
    }

    private String matching(String tenant, Rule rule, Instant now) {
        return "(SELECT * FROM " + sql.table("contacts") + " FINAL WHERE tenant = " + SqlLiteral.string(tenant)
                + ") WHERE deleted = 0 AND (" + rules.where(tenant, rule, now) + ")";
    }
}
