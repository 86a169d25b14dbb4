package dev.postdate.clickhouse.outcomes;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.clickhouse.ranging.RangeSql;
import dev.postdate.core.range.RangeBounds;
import dev.postdate.core.state.EmailStatus;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What ClickHouse, the durable truth, already decided for a range's emails: their final or
 * blocking outcomes ({@code sent}, {@code failed}, {@code cancelled}, {@code in_doubt}), which emails
 * a worker may have begun to send (a {@code sending} mark that worker did not release), and which of
 * their batches are cancelled. One query per pass beside the fetch: the outcomes through
 * {@code recorded_outcomes} and the marks with the range's own predicate (the index is used on every
 * version), plus the cancels of not yet ingested emails (seq 0) in the range's seconds. The batch
 * cancels after the fetch, for the batches the range holds: asked beside it, they would need a second
 * scan of the range's emails (measured: as costly as the outcomes, docs/benchmarks.md).
 */
@Singleton
public class RecordedOutcomes {

    /** The answer; keys are {@link #key(String, String)}. */
    public record Found(Map<String, EmailStatus> outcomes, Set<String> sendsBegun) {

        /** The email's recorded state of highest precedence, or null. */
        public EmailStatus outcome(String tenant, String id) {
            return outcomes.get(key(tenant, id));
        }

        /** Some worker marked the email sending and never released it: its provider call may have begun. */
        public boolean sendBegun(String tenant, String id) {
            return sendsBegun.contains(key(tenant, id));
        }
    }

    private final ClickHouseSql sql;

    public RecordedOutcomes(ClickHouseSql sql) {
        this.sql = sql;
    }

    /**
     * The outcomes found may include other emails of the range's seconds (a cancel recorded before
     * ingestion is found by send time only); they are never asked for.
     */
    public Found of(RangeBounds bounds) {
        StringBuilder query = new StringBuilder("SELECT 'e', tenant, id, state FROM ")
                .append(sql.table("recorded_outcomes")).append(" WHERE (").append(RangeSql.where(bounds))
                .append(") OR (send_at > toDateTime(").append(bounds.sendAtAfter())
                .append(", 'UTC') AND send_at <= toDateTime(").append(bounds.sendAtUpTo()).append(", 'UTC') AND seq = 0)");
        // Per worker, its newest mark counts: a worker marks, releases and may mark again.
        query.append(" UNION ALL SELECT 'd', tenant, id, '' FROM (SELECT tenant, id, argMax(mark, version) AS last FROM ")
                .append(sql.table("send_marks")).append(" WHERE ").append(RangeSql.where(bounds))
                .append(" GROUP BY tenant, id, worker) WHERE last = 'sending'");
        Map<String, EmailStatus> outcomes = new HashMap<>();
        Set<String> sendsBegun = new HashSet<>();
        for (List<String> row : sql.select(query.toString())) {
            String key = key(row.get(1), row.get(2));
            if (row.get(0).equals("d")) {
                sendsBegun.add(key);
            } else {
                outcomes.merge(key, EmailStatus.fromWireName(row.get(3)), EmailStatus::max);
            }
        }
        return new Found(outcomes, sendsBegun);
    }

    /** Which of the given batches have a recorded cancel; keys are {@link #key(String, String)}. */
    public Set<String> cancelledBatches(Collection<BatchKey> batches) {
        Set<String> cancelled = new HashSet<>();
        if (batches.isEmpty()) {
            return cancelled;
        }
        List<Sql> pairs = batches.stream()
                .map(batch -> Sql.of("(").value(batch.tenant()).sql(", ").value(batch.batchId()).sql(")")).toList();
        for (List<String> row : sql.select(Sql.of("SELECT DISTINCT tenant, batch_id FROM " + sql.table("batch_controls")
                + " WHERE action = 'cancel' AND (tenant, batch_id) IN ").sql(Sql.join(pairs, ", ", "(", ")")))) {
            cancelled.add(key(row.get(0), row.get(1)));
        }
        return cancelled;
    }

    /** A tenant's batch. */
    public record BatchKey(String tenant, String batchId) { }

    public static String key(String tenant, String idOrBatch) {
        return tenant + "\n" + idOrBatch;
    }
}
