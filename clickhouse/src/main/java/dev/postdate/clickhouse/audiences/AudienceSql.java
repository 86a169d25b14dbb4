package dev.postdate.clickhouse.audiences;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of "who an audience's rule selects among a tenant's contacts now". Each contact counts once,
 * as its latest version: the rule is applied to the rows {@code FINAL} leaves, in an outer query, so
 * that no condition filters rows before versions fold (a condition on an old version would count it).
 * Only conditions on the sorting key ({@code contact_id}) may go inside: every version of a contact
 * shares it. An active contact whose address, or its domain, is on the tenant's suppression list is
 * not mailed.
 */
final class AudienceSql {

    private final ClickHouseSql sql;
    private final RuleSql rules;
    private final SuppressionStore suppressions;

    AudienceSql(ClickHouseSql sql, SuppressionStore suppressions) {
        this.sql = sql;
        this.rules = new RuleSql(sql);
        this.suppressions = suppressions;
    }

    /** A FROM clause and WHERE over the contacts matching {@code rule}, {@code keyCondition} on contact_id applied first. */
    String matching(String tenant, Rule rule, Instant now, String keyCondition) {
        return "(SELECT * FROM " + sql.table("contacts") + " FINAL WHERE tenant = " + SqlLiteral.string(tenant)
                + " AND " + keyCondition + ") WHERE deleted = 0 AND (" + rules.where(tenant, rule, now) + ")";
    }

    /** A FROM clause and WHERE over the tenant's (not deleted) contacts with these ids. */
    String among(String tenant, List<String> contactIds) {
        return "(SELECT * FROM " + sql.table("contacts") + " FINAL WHERE tenant = " + SqlLiteral.string(tenant)
                + " AND contact_id IN (" + contactIds.stream().map(SqlLiteral::string).collect(Collectors.joining(", "))
                + ")) WHERE deleted = 0";
    }

    /** The condition on matching rows that a campaign mails them: active, not suppressed, consented to {@code topic}. */
    String eligible(String tenant, Instant now, @Nullable String topic) {
        return "status = " + SqlLiteral.string(ContactStatus.ACTIVE.wireName()) + " AND NOT " + suppressed(tenant, now)
                + " AND " + consented(topic);
    }

    /** 1 when the contact's address or its domain is suppressed now. */
    String suppressed(String tenant, Instant now) {
        String entries = suppressions.activeEntriesSubquery(tenant, now);
        return "(lower(email) IN (" + entries + ") OR lower(substring(email, position(email, '@') + 1)) IN (" + entries + "))";
    }

    /** 1 when the contact granted the topic's consent, or there is no topic. */
    static String consented(@Nullable String topic) {
        return topic == null ? "1" : "has(consented, " + SqlLiteral.string(topic) + ")";
    }
}
