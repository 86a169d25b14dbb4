package dev.postdate.clickhouse.audiences;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
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
     * What a rule matches: contacts per status, and how many of the active ones are suppressed.
     */
    public record Count(Map<ContactStatus, Long> byStatus, long suppressed) {

        public long matching() {
            return byStatus.values().stream().mapToLong(Long::longValue).sum();
        }

        /** The contacts a campaign mails: active and not suppressed. */
        public long eligible() {
            return byStatus.get(ContactStatus.ACTIVE) - suppressed;
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

    public Count count(String tenant, Rule rule, Instant now) {
        Map<ContactStatus, Long> byStatus = new EnumMap<>(ContactStatus.class);
        for (ContactStatus status : ContactStatus.values()) {
            byStatus.put(status, 0L);
        }
        long suppressed = 0;
        for (List<String> row : sql.select("SELECT status, " + suppressed(tenant, now) + " AS is_suppressed, count() FROM "
                + matching(tenant, rule, now) + " GROUP BY status, is_suppressed")) {
            ContactStatus status = ContactStatus.of(row.get(0)).orElseThrow();
            long n = Long.parseLong(row.get(2));
            byStatus.merge(status, n, Long::sum);
            if (status == ContactStatus.ACTIVE && row.get(1).equals("1")) {
                suppressed += n;
            }
        }
        return new Count(byStatus, suppressed);
    }

    /** Up to {@code n} contacts the rule matches that would be mailed, a spread over ids that is the same on every call. */
    public List<Member> sample(String tenant, Rule rule, Instant now, int n) {
        return sql.select("SELECT contact_id, email, name FROM " + matching(tenant, rule, now) + " AND status = "
                        + SqlLiteral.string(ContactStatus.ACTIVE.wireName()) + " AND NOT " + suppressed(tenant, now)
                        + " ORDER BY cityHash64(contact_id), contact_id LIMIT " + n)
                .stream().map(row -> new Member(row.get(0), row.get(1), row.get(2).isEmpty() ? null : row.get(2))).toList();
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
