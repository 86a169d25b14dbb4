package dev.postdate.clickhouse.feedback;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Which email each provider message id belongs to (the 'sent' events, by provider id). */
@Singleton
public class ProviderMessages {

    private final ClickHouseSql sql;

    public ProviderMessages(ClickHouseSql sql) {
        this.sql = sql;
    }

    /** The emails of those provider ids Postdate sent; an id it never sent (or not yet recorded) is absent. */
    public Map<String, SentEmail> find(Collection<String> providerIds) {
        Map<String, SentEmail> found = new HashMap<>();
        if (providerIds.isEmpty()) {
            return found;
        }
        List<String> literals = providerIds.stream().distinct().map(SqlLiteral::string).toList();
        for (List<String> row : sql.selectIn("SELECT provider_id, tenant, id, batch_id FROM "
                + sql.table("sent_by_provider_id") + " WHERE provider_id IN (", literals, ")")) {
            found.put(row.get(0), new SentEmail(row.get(1), row.get(2), row.get(3)));
        }
        return found;
    }
}
