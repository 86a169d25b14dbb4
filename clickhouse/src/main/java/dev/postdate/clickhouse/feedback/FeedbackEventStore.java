package dev.postdate.clickhouse.feedback;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What providers and the tracker reported: feedback_events, per recipient, and the stats read from its
 * views ordered by batch (migration V025; docs/tracking.md).
 */
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
        sql.insert(sql.table("feedback_events"), List.of("tenant", "recipient", "type", "notification_id", "email_id",
                "batch_id", "provider_id", "subtype", "detail", "at_ms", "received_ms"), events, (out, e) -> {
            for (String text : List.of(e.tenant(), e.recipient(), e.type(), e.notificationId(), e.emailId(), e.batchId(),
                    e.providerId(), e.subtype(), e.detail())) {
                out.string(text);
            }
            out.uint64(e.at().toEpochMilli());
            out.uint64(e.received().toEpochMilli());
        });
    }

    /**
     * Distinct notifications of type {@code type} with one of {@code subtypes} for the tenant's
     * recipient at or after {@code since} (a notification delivered twice counts once).
     */
    public long count(String tenant, String recipient, String type, Collection<String> subtypes, Instant since) {
        return Long.parseLong(sql.select(Sql.of("SELECT uniqExact(notification_id) FROM " + sql.table("feedback_events")
                + " WHERE tenant = ").value(tenant).sql(" AND recipient = ").value(recipient).sql(" AND type = ").value(type)
                .sql(" AND subtype IN ").values(subtypes).sql(" AND at_ms >= " + since.toEpochMilli())).getFirst().getFirst());
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

    /** A batch's (or batches') feedback counts and clicks per link. */
    public record Feedback(BatchFeedback counts, List<LinkClicks> links) {
    }

    public BatchFeedback ofBatch(String tenant, String batchId) {
        return feedbackOf(tenant, List.of(batchId)).counts();
    }

    /**
     * The batches' feedback added up (an email belongs to one batch, so unique counts add), from
     * {@code feedback_by_batch} (migration V025), which holds the events ordered by batch with their
     * ids as 64-bit CityHashes: one pass keeps, per type and subtype, a set of the emails (and of the
     * notifications of opens and clicks, whose totals are shown), then per type the sets merged
     * (unique emails across subtypes: across links, hard and soft bounces; a bounce's hard and soft
     * sets only for bounces, since every set merged costs as much as it was to build). Two ids of one
     * batch sharing a hash (odds about 3e-8 for 1M) would count once. The links' destinations come
     * from {@code feedback_links}, a view the same insert fills after {@code feedback_by_batch}: a
     * read between the two (on a cluster, while the second waits for its quorum) counts a new link's
     * clicks with an empty destination.
     */
    public Feedback feedbackOf(String tenant, Collection<String> batchIds) {
        Sql batches = batchFilter(tenant, batchIds);
        List<List<String>> rows = sql.select(Sql.of("SELECT type, u, u_hard, u_soft, total, tupleElement(s, 1), tupleElement(s, 2),"
                + " tupleElement(s, 3) FROM (SELECT type, uniqExactMerge(e) AS u,"
                + " uniqExactMergeIf(e, type = 'bounced' AND subtype = 'permanent') AS u_hard,"
                + " uniqExactMergeIf(e, type = 'bounced' AND subtype != 'permanent') AS u_soft,"
                + " sum(n) AS total, groupArray((subtype, finalizeAggregation(e), n)) AS g FROM ("
                + "SELECT type, subtype, uniqExactStateIf(email_key, email_key != 0) AS e,"
                + " uniqExactIf(notification_key, type IN ('opened', 'clicked')) AS n"
                + " FROM " + sql.table("feedback_by_batch") + " WHERE ").sql(batches)
                .sql(" GROUP BY type, subtype) GROUP BY type) ARRAY JOIN g AS s"));
        Map<String, String> urls = new HashMap<>();
        for (List<String> row : sql.select(Sql.of("SELECT link, any(tupleElement(example, 1)) FROM " + sql.table("feedback_links")
                + " WHERE ").sql(batches).sql(" GROUP BY link"))) {
            urls.put(row.get(0), row.get(1));
        }
        Map<String, long[]> byType = new HashMap<>();
        List<LinkClicks> links = new ArrayList<>();
        for (List<String> row : rows) {
            byType.put(row.get(0), new long[]{Long.parseLong(row.get(1)), Long.parseLong(row.get(2)),
                    Long.parseLong(row.get(3)), Long.parseLong(row.get(4))});
            if (row.get(0).equals("clicked")) {
                links.add(new LinkClicks(Integer.parseInt(row.get(5)), urls.getOrDefault(row.get(5), ""),
                        Long.parseLong(row.get(6)), Long.parseLong(row.get(7))));
            }
        }
        links.sort(Comparator.comparingInt(LinkClicks::link));
        long[] none = new long[4];
        long[] bounced = byType.getOrDefault("bounced", none);
        long[] opened = byType.getOrDefault("opened", none);
        long[] clicked = byType.getOrDefault("clicked", none);
        return new Feedback(new BatchFeedback(byType.getOrDefault("delivered", none)[0], bounced[0], bounced[1], bounced[2],
                byType.getOrDefault("complained", none)[0], byType.getOrDefault("rejected", none)[0],
                byType.getOrDefault("delayed", none)[0], opened[0], opened[3], clicked[0], clicked[3],
                byType.getOrDefault("unsubscribed", none)[0]), List.copyOf(links));
    }

    private static Sql batchFilter(String tenant, Collection<String> batchIds) {
        return Sql.of("tenant = ").value(tenant).sql(" AND batch_id IN ").values(batchIds);
    }

    /** The tenant's events for one email, oldest first: for tests and the stats to come. */
    public List<FeedbackEvent> ofEmail(String tenant, String emailId) {
        return sql.select(Sql.of("SELECT tenant, recipient, type, notification_id, email_id, batch_id, provider_id, subtype,"
                        + " detail, at_ms, received_ms FROM " + sql.table("feedback_events") + " FINAL WHERE tenant = ")
                        .value(tenant).sql(" AND email_id = ").value(emailId).sql(" ORDER BY at_ms, type, recipient"))
                .stream()
                .map(r -> new FeedbackEvent(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6),
                        r.get(7), r.get(8), Instant.ofEpochMilli(Long.parseLong(r.get(9))),
                        Instant.ofEpochMilli(Long.parseLong(r.get(10)))))
                .toList();
    }
}
