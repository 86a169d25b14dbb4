package dev.postdate.clickhouse.feedback;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The feedback_events table: what providers reported, per recipient (docs/tracking.md). */
@Singleton
public class FeedbackEventStore {

    private final ClickHouseSql sql;

    public FeedbackEventStore(ClickHouseSql sql) {
        this.sql = sql;
    }

    public void record(List<FeedbackEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        sql.execute("INSERT INTO " + sql.table("feedback_events") + " (tenant, recipient, type, notification_id,"
                + " email_id, batch_id, provider_id, subtype, detail, at_ms, received_ms) VALUES "
                + events.stream().map(e -> "(" + String.join(", ", SqlLiteral.string(e.tenant()),
                        SqlLiteral.string(e.recipient()), SqlLiteral.string(e.type()),
                        SqlLiteral.string(e.notificationId()), SqlLiteral.string(e.emailId()),
                        SqlLiteral.string(e.batchId()), SqlLiteral.string(e.providerId()),
                        SqlLiteral.string(e.subtype()), SqlLiteral.string(e.detail()),
                        Long.toString(e.at().toEpochMilli()), Long.toString(e.received().toEpochMilli())) + ")")
                        .collect(Collectors.joining(", ")));
    }

    /**
     * Distinct notifications of type {@code type} with one of {@code subtypes} for the tenant's
     * recipient at or after {@code since} (a notification delivered twice counts once).
     */
    public long count(String tenant, String recipient, String type, Collection<String> subtypes, Instant since) {
        return Long.parseLong(sql.select("SELECT uniqExact(notification_id) FROM " + sql.table("feedback_events")
                + " WHERE tenant = " + SqlLiteral.string(tenant) + " AND recipient = " + SqlLiteral.string(recipient)
                + " AND type = " + SqlLiteral.string(type) + " AND subtype IN ("
                + subtypes.stream().map(SqlLiteral::string).collect(Collectors.joining(", ")) + ")"
                + " AND at_ms >= " + since.toEpochMilli()).getFirst().getFirst());
    }

    /**
     * How many of a batch's emails had each kind of feedback: {@code delivered}, {@code bounced_hard},
     * {@code bounced_soft}, {@code complained}, {@code rejected}, {@code delayed}. An email counts once
     * per kind however many notifications or recipients reported it; kinds nothing reported are absent.
     */
    public Map<String, Long> emailsByKind(String tenant, String batchId) {
        Map<String, Long> counts = new HashMap<>();
        for (List<String> row : sql.select("SELECT if(type = 'bounced', if(subtype = 'permanent', 'bounced_hard',"
                + " 'bounced_soft'), type), uniqExact(email_id) FROM " + sql.table("feedback_events")
                + " WHERE tenant = " + SqlLiteral.string(tenant) + " AND batch_id = " + SqlLiteral.string(batchId)
                + " GROUP BY if(type = 'bounced', if(subtype = 'permanent', 'bounced_hard', 'bounced_soft'), type)")) {
            counts.put(row.get(0), Long.parseLong(row.get(1)));
        }
        return counts;
    }

    /** The tenant's events for one email, oldest first: for tests and the stats to come. */
    public List<FeedbackEvent> ofEmail(String tenant, String emailId) {
        return sql.select("SELECT tenant, recipient, type, notification_id, email_id, batch_id, provider_id, subtype,"
                        + " detail, at_ms, received_ms FROM " + sql.table("feedback_events") + " FINAL"
                        + " WHERE tenant = " + SqlLiteral.string(tenant) + " AND email_id = " + SqlLiteral.string(emailId)
                        + " ORDER BY at_ms, type, recipient")
                .stream()
                .map(r -> new FeedbackEvent(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6),
                        r.get(7), r.get(8), Instant.ofEpochMilli(Long.parseLong(r.get(9))),
                        Instant.ofEpochMilli(Long.parseLong(r.get(10)))))
                .toList();
    }
}
