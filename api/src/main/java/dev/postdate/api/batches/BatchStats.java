package dev.postdate.api.batches;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.feedback.FeedbackEventStore.BatchFeedback;
import dev.postdate.clickhouse.feedback.FeedbackEventStore.LinkClicks;
import dev.postdate.clickhouse.status.BatchStatusStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What became of a batch's emails after sending (docs/tracking.md): its outcomes; from the provider's
 * feedback how many were delivered, bounced, complained of, rejected or delayed; from the tracker how
 * many were opened, clicked (per link) and unsubscribed from; and the rates mailbox providers judge a
 * sender by. Every figure counts emails, not notifications, except the totals of opens and clicks.
 * A campaign's figures are its occurrences' added up: each email belongs to one occurrence.
 */
@Singleton
public class BatchStats {

    /** Rates keep this many decimals: a complaint rate of 0.1 % is 0.001. */
    private static final double RATE_SCALE = 10_000;
    /** Batch ids of some 40 characters: 1,000 of them stay far below 18.16's 256 KiB max_query_size. */
    private static final int OCCURRENCES_PER_QUERY = 1000;

    @Serdeable
    public record Bounces(long hard, long soft) {
    }

    @Serdeable
    @Schema(description = "unique: emails opened at least once (anonymous tracking names none); total: every open")
    public record Opens(long unique, long total) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "LinkClicks", description = "link: its number in the HTML body, from 1; url: its destination"
            + " (one of them when the template personalizes it)")
    public record Link(int link, String url, long unique, long total) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Clicks(long unique, long total, List<Link> links) {
    }

    /**
     * Fractions of the sent emails (bounce: emails that bounced at all, hard or soft; open and click:
     * unique ones); 0 while none was sent.
     */
    @Serdeable
    public record Rates(double delivery, double bounce, double complaint, double open, double click,
                        double unsubscribe) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "Stats", description = "A batch's, an occurrence's (batch_id) or a whole campaign's (campaign_id) figures")
    public record Stats(@JsonProperty("batch_id") @Nullable String batchId,
                        @JsonProperty("campaign_id") @Nullable String campaignId,
                        @Nullable Integer occurrences, long emails, long sent, long delivered, Bounces bounced,
                        long complained, long rejected, long delayed, Opens opened, Clicks clicked,
                        long unsubscribed, Rates rates) {
    }

    private final Batches batches;
    private final BatchStatusStore store;
    private final FeedbackEventStore feedback;

    public BatchStats(Batches batches, BatchStatusStore store, FeedbackEventStore feedback) {
        this.batches = batches;
        this.store = store;
        this.feedback = feedback;
    }

    /** @throws dev.postdate.api.problem.ProblemException 404 when the tenant has no such batch */
    public Stats of(String tenant, String batchId) {
        batches.requireWellFormed(batchId);
        Totals totals = totals(tenant, List.of(batchId));
        batches.requireKnown(tenant, batchId, totals.emails);
        return totals.stats(batchId, null, null);
    }

    /** A campaign occurrence's batch, known to exist even before its first email is stored. */
    public Stats ofOccurrence(String tenant, String batchId) {
        return totals(tenant, List.of(batchId)).stats(batchId, null, null);
    }

    /**
     * A campaign's occurrences' batches together: a few queries per chunk of occurrences, not per
     * occurrence (a chunk keeps the IN list well under ClickHouse's max_query_size).
     */
    public Stats ofCampaign(String tenant, String campaignId, List<String> occurrenceBatches) {
        Totals sum = new Totals();
        for (int from = 0; from < occurrenceBatches.size(); from += OCCURRENCES_PER_QUERY) {
            List<String> chunk = occurrenceBatches.subList(from, Math.min(occurrenceBatches.size(), from + OCCURRENCES_PER_QUERY));
            sum.add(totals(tenant, chunk));
        }
        return sum.stats(null, campaignId, occurrenceBatches.size());
    }

    private Totals totals(String tenant, List<String> batchIds) {
        Totals totals = new Totals();
        BatchStatusStore.Sent sent = store.sent(tenant, batchIds);
        totals.emails = sent.emails();
        totals.sent = sent.sent();
        FeedbackEventStore.Feedback read = feedback.feedbackOf(tenant, batchIds);
        totals.feedback = read.counts();
        for (LinkClicks link : read.links()) {
            totals.links.put(link.link(), new Link(link.link(), link.url(), link.unique(), link.total()));
        }
        return totals;
    }

    /** Figures that add up across batches. */
    private static final class Totals {
        long emails;
        long sent;
        BatchFeedback feedback = new BatchFeedback(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        final Map<Integer, Link> links = new TreeMap<>();

        void add(Totals other) {
            emails += other.emails;
            sent += other.sent;
            BatchFeedback a = feedback;
            BatchFeedback b = other.feedback;
            feedback = new BatchFeedback(a.delivered() + b.delivered(), a.bounced() + b.bounced(),
                    a.bouncedHard() + b.bouncedHard(), a.bouncedSoft() + b.bouncedSoft(),
                    a.complained() + b.complained(), a.rejected() + b.rejected(), a.delayed() + b.delayed(),
                    a.openedUnique() + b.openedUnique(), a.openedTotal() + b.openedTotal(),
                    a.clickedUnique() + b.clickedUnique(), a.clickedTotal() + b.clickedTotal(),
                    a.unsubscribed() + b.unsubscribed());
            other.links.forEach((number, link) -> links.merge(number, link, (x, y) ->
                    new Link(number, x.url(), x.unique() + y.unique(), x.total() + y.total())));
        }

        Stats stats(@Nullable String batchId, @Nullable String campaignId, @Nullable Integer occurrences) {
            BatchFeedback f = feedback;
            return new Stats(batchId, campaignId, occurrences, emails, sent, f.delivered(),
                    new Bounces(f.bouncedHard(), f.bouncedSoft()), f.complained(), f.rejected(), f.delayed(),
                    new Opens(f.openedUnique(), f.openedTotal()),
                    new Clicks(f.clickedUnique(), f.clickedTotal(), new ArrayList<>(links.values())), f.unsubscribed(),
                    new Rates(rate(f.delivered(), sent), rate(f.bounced(), sent), rate(f.complained(), sent),
                            rate(f.openedUnique(), sent), rate(f.clickedUnique(), sent), rate(f.unsubscribed(), sent)));
        }
    }

    private static double rate(long part, long sent) {
        return sent == 0 ? 0 : Math.round(part * RATE_SCALE / sent) / RATE_SCALE;
    }
}
