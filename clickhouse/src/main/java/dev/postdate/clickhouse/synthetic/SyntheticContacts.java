package dev.postdate.clickhouse.synthetic;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.migrations.Migrator;

/**
 * Generates benchmark contacts inside ClickHouse (INSERT ... SELECT FROM numbers), as
 * {@link SyntheticEmails} does for emails. Never used by a component.
 */
public final class SyntheticContacts {

    private final ClickHouseSql sql;

    public SyntheticContacts(ClickHouseSql sql) {
        this.sql = sql;
    }


    /**
     * Recreates the database with {@code count} contacts of {@code tenant} (ids c1..cN), then a second,
     * newer version of one in ten, as upserts leave them before merges: plan pro/free/team, country
     * DE/FR/US/GB/ES, churn_risk 0.00..0.99, last_login within 60 days of {@code nowMillis}, one in ten
     * not active, consent to "newsletter" for half of them.
     */
    public void generate(String tenant, long count, long nowMillis) {
        sql.execute("DROP DATABASE IF EXISTS " + sql.database());
        new Migrator(sql).migrate();
        insert(tenant, count, 1, nowMillis);
        insert(tenant, count / 10, 2, nowMillis);
    }

    private void insert(String tenant, long count, int version, long nowMillis) {
        String n = "(number * 2654435761 + " + version + ")";
        sql.execute("INSERT INTO " + sql.table("contacts") + " (tenant, contact_id, version, deleted, email, status,"
                + " attributes, consent, str_keys, str_values, num_keys, num_values, time_keys, time_values, consented, updated_ms)"
                + " SELECT '" + tenant.replace("'", "") + "', concat('c', toString(number * 10 + 1)), " + version + ", 0,"
                + " concat('u', toString(number * 10 + 1), '@example.com'),"
                + " [ 'active', 'active', 'active', 'active', 'active', 'active', 'active', 'active', 'active', 'unsubscribed']"
                + "[" + n + " % 10 + 1], '{}', '{}', ['plan', 'country'],"
                + " [['pro', 'free', 'team'][" + n + " % 3 + 1], ['DE', 'FR', 'US', 'GB', 'ES'][intDiv(" + n + ", 3) % 5 + 1]],"
                + " ['churn_risk'], [(" + n + " % 100) / 100], ['last_login'],"
                + " [toInt64(" + nowMillis + " - (" + n + " % 5184000) * 1000)],"
                + " if(" + n + " % 2 = 0, ['newsletter'], emptyArrayString()), " + (nowMillis - 1000 + version)
                + " FROM system.numbers LIMIT " + count);
    }
}
