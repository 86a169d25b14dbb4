package dev.postdate.clickhouse.outcomes;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ranging.RangeSql;
import dev.postdate.core.range.RangeBounds;
import dev.postdate.core.state.EmailStatus;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What ClickHouse, the durable truth, already decided for a range's emails: their final or
 * blocking outcomes ({@code sent}, {@code failed}, {@code cancelled}, {@code in_doubt}), which of
 * their batches are cancelled, and which emails a worker may have begun to send (a {@code sending}
 * mark that worker did not release). One query per pass: the outcomes through {@code outcomes_by_key}
 * and the marks with the range's own predicate (the index is used on every version), plus the cancels
 * of not yet ingested emails (seq 0) in the range's seconds, plus the batch cancels.
 */
@Singleton
public class RecordedOutcomes {

    /** The answer; keys are {@link #key(String, String)}. */
    public record Found(Map<String, EmailStatus> outcomes, Set<String> cancelledBatches, Set<String> sendsBegun) {

        /** The email's recorded state of highest precedence, or null. */
        public EmailStatus outcome(String tenant, String id) {
            return outcomes.get(key(tenant, id));
        }

        public boolean batchCancelled(String tenant, String batchId) {
            return cancelledBatches.contains(key(tenant, batchId));
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
                .append(sql.table("outcomes_by_key")).append(" WHERE (").append(RangeSql.where(bounds))
                .append(") OR (send_at > toDateTime(").append(bounds.sendAtAfter())
                .append(", 'UTC') AND send_at <= toDateTime(").append(bounds.sendAtUpTo()).append(", 'UTC') AND seq = 0)");
        // A list of the batches would make the query as long as the range; batch_controls is small.
        query.append(" UNION ALL SELECT 'b', tenant, batch_id, action FROM ").append(sql.table("batch_controls"))
                .append(" WHERE action = 'cancel' AND (tenant, batch_id) IN (SELECT tenant, batch_id FROM ")
                .append(sql.table("emails")).append(" WHERE ").append(RangeSql.where(bounds))
                .append(" AND batch_id != '')");
        // Per worker, its newest mark counts: a worker marks, releases and may mark again.
        query.append(" UNION ALL SELECT 'd', tenant, id, '' FROM (SELECT tenant, id, argMax(mark, version) AS last FROM ")
                .append(sql.table("send_marks")).append(" WHERE ").append(RangeSql.where(bounds))
                .append(" GROUP BY tenant, id, worker) WHERE last = 'sending'");
        Map<String, EmailStatus> outcomes = new HashMap<>();
        Set<String> cancelledBatches = new HashSet<>();
        Set<String> sendsBegun = new HashSet<>();
        for (List<String> row : sql.select(query.toString())) {
            String key = key(row.get(1), row.get(2));
            if (row.get(0).equals("b")) {
                cancelledBatches.add(key);
            } else if (row.get(0).equals("d")) {
                sendsBegun.add(key);
            } else {
                outcomes.merge(key, EmailStatus.fromWireName(row.get(3)), EmailStatus::max);
            }
        }
        return new Found(outcomes, cancelledBatches, sendsBegun);
    }

    static String key(String tenant, String idOrBatch) {
        return tenant + "\n" + idOrBatch;
    }
}
