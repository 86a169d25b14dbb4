package dev.postdate.clickhouse.status;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.core.state.EmailStatus;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One email's status: its row in {@code emails_by_id} and its {@code email_events}. */
@Singleton
public class EmailStatusStore {

    private final ClickHouseSql sql;

    public EmailStatusStore(ClickHouseSql sql) {
        this.sql = sql;
    }

    /** The email if it was ingested and belongs to the tenant. */
    public Optional<StoredEmail> find(String tenant, String id) {
        List<List<String>> rows = sql.select(Sql.of("SELECT batch_id, toUnixTimestamp(send_at), toUnixTimestamp(accepted_at)"
                + " FROM " + sql.table("emails_by_id")).sql(where(tenant, id)).sql(" LIMIT 1"));
        return rows.stream().findFirst().map(row -> new StoredEmail(id, row.get(0),
                StatusSql.instant(row.get(1)), StatusSql.instant(row.get(2))));
    }

    /** Its events, oldest first. */
    public List<EmailEvent> events(String tenant, String id) {
        return sql.select(Sql.of("SELECT state, toUnixTimestamp(at), detail FROM " + sql.table("email_events"))
                        .sql(where(tenant, id)).sql(" ORDER BY at, " + StatusSql.precedence("state"))).stream()
                .map(row -> new EmailEvent(EmailStatus.fromWireName(row.get(0)), StatusSql.instant(row.get(1)), row.get(2)))
                .toList();
    }

    /**
     * Records an event under the email's key (send time, arrival sequence; 0 before ingestion), by
     * which a worker's pass finds it ({@code recorded_outcomes}).
     */
    public void record(String tenant, String id, String batchId, Instant sendAt, long seq, EmailEvent event) {
        sql.insert(sql.table("email_events"), List.of("tenant", "id", "batch_id", "state", "at", "detail", "at_ms",
                "send_at", "seq"), List.of(event), (out, e) -> {
            out.string(tenant);
            out.string(id);
            out.string(batchId);
            out.string(e.state().wireName());
            out.dateTime(e.at());
            out.string(e.detail());
            out.uint64(e.at().toEpochMilli());
            out.dateTime(sendAt);
            out.uint64(seq);
        });
    }

    /** The email's arrival sequence once ingested: part of its key. */
    public Optional<Long> seq(String tenant, String id) {
        return sql.select(Sql.of("SELECT seq FROM " + sql.table("emails_by_id")).sql(where(tenant, id)).sql(" LIMIT 1")).stream()
                .findFirst().map(row -> Long.parseLong(row.get(0)));
    }

    private static Sql where(String tenant, String id) {
        return Sql.of(" WHERE tenant = ").value(tenant).sql(" AND id = ").value(id);
    }
}
