package dev.postdate.clickhouse.audiences;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.clickhouse.contacts.ContactStatus;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Who an audience's rule selects among a tenant's contacts now. Each contact counts once, as its
 * latest version: the rule is applied to the rows {@code FINAL} leaves, in an outer query, so that
 * no condition filters rows before versions fold (a condition on an old version would count it).
 */
@Singleton
public class AudienceCounts {

    /** A contact of a sample. */
    public record Member(String id, String email, String name) {
    }

    private final ClickHouseSql sql;
    private final RuleSql rules;

    public AudienceCounts(ClickHouseSql sql) {
        this.sql = sql;
        this.rules = new RuleSql(sql);
    }

    /** How many contacts the rule matches, per status (only {@code active} ones are mailed). */
    public Map<ContactStatus, Long> countByStatus(String tenant, Rule rule, Instant now) {
        Map<ContactStatus, Long> counts = new EnumMap<>(ContactStatus.class);
        for (ContactStatus status : ContactStatus.values()) {
            counts.put(status, 0L);
        }
        for (List<String> row : sql.select("SELECT status, count() FROM " + matching(tenant, rule, now) + " GROUP BY status")) {
            ContactStatus.of(row.get(0)).ifPresent(status -> counts.put(status, Long.parseLong(row.get(1))));
        }
        return counts;
    }

    /** Up to {@code n} active contacts the rule matches, a spread over ids that is the same on every call. */
    public List<Member> sample(String tenant, Rule rule, Instant now, int n) {
        return sql.select("SELECT contact_id, email, name FROM " + matching(tenant, rule, now) + " AND status = "
                        + SqlLiteral.string(ContactStatus.ACTIVE.wireName()) + " ORDER BY cityHash64(contact_id), contact_id LIMIT " + n)
                .stream().map(row -> new Member(row.get(0), row.get(1), row.get(2).isEmpty() ? null : row.get(2))).toList();
    }

    private String matching(String tenant, Rule rule, Instant now) {
        return "(SELECT * FROM " + sql.table("contacts") + " FINAL WHERE tenant = " + SqlLiteral.string(tenant)
                + ") WHERE deleted = 0 AND (" + rules.where(tenant, rule, now) + ")";
    }
}
