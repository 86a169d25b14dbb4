package dev.postdate.clickhouse.audiences;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;

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
    Sql matching(String tenant, Rule rule, Instant now, Sql keyCondition) {
        return Sql.of("(SELECT * FROM " + sql.table("contacts") + " FINAL WHERE tenant = ").value(tenant)
                .sql(" AND ").sql(keyCondition).sql(") WHERE deleted = 0 AND (").sql(rules.where(tenant, rule, now)).sql(")");
    }

    /** A FROM clause and WHERE over the tenant's (not deleted) contacts with these ids. */
    Sql among(String tenant, List<String> contactIds) {
        return Sql.of("(SELECT * FROM " + sql.table("contacts") + " FINAL WHERE tenant = ").value(tenant)
                .sql(" AND contact_id IN ").values(contactIds).sql(") WHERE deleted = 0");
    }

    /** The condition on matching rows that a campaign mails them: active, not suppressed, consented to {@code topic}. */
    Sql eligible(String tenant, Instant now, @Nullable String topic) {
        return Sql.of("status = ").value(ContactStatus.ACTIVE.wireName()).sql(" AND NOT ").sql(suppressed(tenant, now))
                .sql(" AND ").sql(consented(topic));
    }

    /** 1 when the contact's address or its domain is suppressed now. */
    Sql suppressed(String tenant, Instant now) {
        Sql entries = suppressions.activeEntriesSubquery(tenant, now);
        return Sql.of("(lower(email) IN (").sql(entries).sql(") OR lower(substring(email, position(email, '@') + 1)) IN (")
                .sql(entries).sql("))");
    }

    /** 1 when the contact granted the topic's consent, or there is no topic. */
    static Sql consented(@Nullable String topic) {
        return topic == null ? Sql.of("1") : Sql.of("has(consented, ").value(topic).sql(")");
    }
}
