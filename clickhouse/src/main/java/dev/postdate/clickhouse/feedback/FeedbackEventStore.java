package dev.postdate.clickhouse.feedback;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
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
     * How many of a batch's emails had each kind of feedback. An email counts once per kind however
     * many notifications or recipients reported it; {@code bounced} counts each bounced email once,
     * though one can be in both {@code bouncedHard} and {@code bouncedSoft}. Opens and clicks come
     * twice: {@code unique} emails (anonymous ones, which name no email, are not in it) and every one
     * ({@code total}, one per tracker request, anonymous ones included). {@code unsubscribed}: emails
     * whose recipient unsubscribed through them.
     */
    public record BatchFeedback(long delivered, long bounced, long bouncedHard, long bouncedSoft, long complained,
                                long rejected, long delayed, long openedUnique, long openedTotal, long clickedUnique,
                                long clickedTotal, long unsubscribed) {
    }

    /** One link's clicks: {@code link} is its number in the body, from 1. */
    public record LinkClicks(int link, String url, long unique, long total) {
    }

    public BatchFeedback ofBatch(String tenant, String batchId) {
        return ofBatches(tenant, List.of(batchId));
    }

    /** The batches' feedback added up in one query: an email belongs to one batch, so unique counts add. */
    public BatchFeedback ofBatches(String tenant, Collection<String> batchIds) {
        List<String> row = sql.select("SELECT uniqExactIf(email_id, type = 'delivered'), uniqExactIf(email_id, type = 'bounced'),"
                + " uniqExactIf(email_id, type = 'bounced' AND subtype = 'permanent'),"
                + " uniqExactIf(email_id, type = 'bounced' AND subtype != 'permanent'),"
                + " uniqExactIf(email_id, type = 'complained'), uniqExactIf(email_id, type = 'rejected'),"
                + " uniqExactIf(email_id, type = 'delayed'),"
                + " uniqExactIf(email_id, type = 'opened' AND email_id != ''), uniqExactIf(notification_id, type = 'opened'),"
                + " uniqExactIf(email_id, type = 'clicked' AND email_id != ''), uniqExactIf(notification_id, type = 'clicked'),"
                + " uniqExactIf(email_id, type = 'unsubscribed') FROM " + sql.table("feedback_events")
                + " WHERE " + batchFilter(tenant, batchIds))
                .getFirst();
        long[] n = row.stream().mapToLong(Long::parseLong).toArray();
        return new BatchFeedback(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10], n[11]);
    }

    /** The batch's clicks per link, by link number. */
    public List<LinkClicks> linksOfBatch(String tenant, String batchId) {
        return linksOfBatches(tenant, List.of(batchId));
    }

    /** The batches' clicks per link number, added up in one query (link n of each occurrence's body). */
    public List<LinkClicks> linksOfBatches(String tenant, Collection<String> batchIds) {
        return sql.select("SELECT subtype, any(detail), uniqExactIf(email_id, email_id != ''), uniqExact(notification_id)"
                        + " FROM " + sql.table("feedback_events") + " WHERE " + batchFilter(tenant, batchIds)
                        + " AND type = 'clicked' GROUP BY subtype ORDER BY toUInt32OrZero(subtype)")
                .stream()
                .map(r -> new LinkClicks(Integer.parseInt(r.get(0)), r.get(1), Long.parseLong(r.get(2)),
                        Long.parseLong(r.get(3))))
                .toList();
    }

    private static String batchFilter(String tenant, Collection<String> batchIds) {
        return "tenant = " + SqlLiteral.string(tenant) + " AND batch_id IN " + SqlLiteral.strings(batchIds);
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
