package dev.postdate.clickhouse.status;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.core.state.EmailStatus;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Per-batch counts by state ({@code emails_by_batch}, {@code email_events}, {@code sent_by_batch}) and the control audit trail. */
@Singleton
public class BatchStatusStore {

    private final ClickHouseSql sql;

    public BatchStatusStore(ClickHouseSql sql) {
        this.sql = sql;
    }

    /**
     * How many of the batch's ingested emails are in each state; empty when the tenant has no
     * ingested email in that batch. An email without events is scheduled (precedence 0). The joined
     * subqueries have aliases: current servers refuse them without (ALIAS_REQUIRED).
     */
    public Map<EmailStatus, Long> counts(String tenant, String batchId) {
        Sql scope = Sql.of(" WHERE tenant = ").value(tenant).sql(" AND batch_id = ").value(batchId);
        List<List<String>> rows = sql.select(Sql.of("SELECT p, count() FROM ("
                + "SELECT id, p FROM (SELECT DISTINCT id FROM " + sql.table("emails_by_batch")).sql(scope).sql(") AS batch_emails"
                + " ANY LEFT JOIN (SELECT id, max(" + StatusSql.precedence("state") + ") AS p FROM "
                + sql.table("email_events")).sql(scope).sql(" GROUP BY id) AS batch_states USING id"
                + ") GROUP BY p"));
        Map<EmailStatus, Long> counts = new EnumMap<>(EmailStatus.class);
        EmailStatus[] states = EmailStatus.values();
        rows.forEach(row -> counts.put(states[Integer.parseInt(row.get(0))], Long.parseLong(row.get(1))));
        return counts;
    }

    /** A batch's (or batches') stored emails and how many of them were sent. */
    public record Sent(long emails, long sent) {
    }

    /**
     * The batches' emails and sent ones without the per-state join of {@link #counts}: sent is the
     * highest state, so an email with a 'sent' event is sent, and {@code sent_by_batch} (migration
     * V025) keeps those events ordered by batch, as 64-bit CityHashes of the ids (the emails are
     * counted by the same hash, as the feedback stats).
     */
    public Sent sent(String tenant, Collection<String> batchIds) {
        Sql scope = Sql.of(" WHERE tenant = ").value(tenant).sql(" AND batch_id IN ").values(batchIds);
        List<String> row = sql.select(Sql.of("SELECT (SELECT uniqExact(cityHash64(id)) FROM " + sql.table("emails_by_batch"))
                .sql(scope).sql("), (SELECT uniqExact(email_key) FROM " + sql.table("sent_by_batch")).sql(scope).sql(")")).getFirst();
        return new Sent(Long.parseLong(row.get(0)), Long.parseLong(row.get(1)));
    }

    /** How many of the batch's emails reached a final state at or after {@code since}: its recent pace. */
    public long settledSince(String tenant, String batchId, Instant since) {
        return Long.parseLong(sql.select(Sql.of("SELECT uniqExact(id) FROM " + sql.table("email_events") + " WHERE tenant = ")
                .value(tenant).sql(" AND batch_id = ").value(batchId).sql(" AND state IN (" + StatusSql.finalStates()
                + ") AND at >= " + StatusSql.dateTime(since))).getFirst().getFirst());
    }

    public void recordControl(String tenant, String batchId, String action, Instant at) {
        sql.insert(sql.table("batch_controls"), List.of("tenant", "batch_id", "action", "at"), List.of(at), (out, time) -> {
            out.string(tenant);
            out.string(batchId);
            out.string(action);
            out.dateTime(time);
        });
    }

    /** Whether ClickHouse holds the tenant's cancel of this batch (durable, whatever Redis says). */
    public boolean isCancelled(String tenant, String batchId) {
        return !sql.select(controls(tenant, batchId).sql(" AND action = 'cancel' LIMIT 1")).isEmpty();
    }

    /** Whether the tenant ever controlled this batch: a batch may be paused before its emails arrive. */
    public boolean hasControls(String tenant, String batchId) {
        return !sql.select(controls(tenant, batchId).sql(" LIMIT 1")).isEmpty();
    }

    private Sql controls(String tenant, String batchId) {
        return Sql.of("SELECT 1 FROM " + sql.table("batch_controls") + " WHERE tenant = ").value(tenant)
                .sql(" AND batch_id = ").value(batchId);
    }
}
