package dev.postdate.clickhouse.status;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.core.state.EmailStatus;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.List;

/** A tenant's in-doubt emails: those whose recorded state of highest precedence is {@code in_doubt}. */
@Singleton
public class InDoubtStore {

    /** One in-doubt email; {@code since} is its latest in-doubt event. */
    public record InDoubtEmail(String id, String batchId, Instant since) {
    }

    private final ClickHouseSql sql;

    public InDoubtStore(ClickHouseSql sql) {
        this.sql = sql;
    }

    /** Up to {@code limit} of them in id order, after {@code afterId} (empty: from the first). */
    public List<InDoubtEmail> page(String tenant, String afterId, int limit) {
        return sql.select(Sql.of("SELECT id, any(batch_id), toUnixTimestamp(maxIf(at, state = 'in_doubt')), max("
                        + StatusSql.precedence("state") + ") AS p FROM " + sql.table("email_events") + " WHERE tenant = ")
                        .value(tenant).sql(" AND id > ").value(afterId).sql(" GROUP BY id HAVING p = "
                        + EmailStatus.IN_DOUBT.ordinal() + " ORDER BY id LIMIT " + limit))
                .stream().map(row -> new InDoubtEmail(row.get(0), row.get(1), StatusSql.instant(row.get(2)))).toList();
    }
}
