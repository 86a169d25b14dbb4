package dev.postdate.api.batches;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.core.state.EmailStatus;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * What became of a batch's emails after sending (docs/tracking.md): its outcomes, and from the
 * provider's feedback how many were delivered, bounced, complained of, rejected or delayed, with the
 * rates mailbox providers judge a sender by. Every figure counts emails, not notifications.
 */
@Singleton
public class BatchStats {

    /** Rates keep this many decimals: a complaint rate of 0.1 % is 0.001. */
    private static final double RATE_SCALE = 10_000;

    @Serdeable
    public record Bounces(long hard, long soft) {
    }

    /** Fractions of the sent emails (bounce: emails that bounced at all, hard or soft); 0 while none was sent. */
    @Serdeable
    public record Rates(double delivery, double bounce, double complaint) {
    }

    @Serdeable
    public record Stats(@JsonProperty("batch_id") String batchId, long emails, long sent, long delivered,
                        Bounces bounced, long complained, long rejected, long delayed, Rates rates) {
    }

    private final Batches batches;
    private final FeedbackEventStore feedback;

    public BatchStats(Batches batches, FeedbackEventStore feedback) {
        this.batches = batches;
        this.feedback = feedback;
    }

    /** @throws dev.postdate.api.problem.ProblemException 404 when the tenant has no such batch */
    public Stats of(String tenant, String batchId) {
        return stats(tenant, batchId, batches.view(tenant, batchId).counts());
    }

    /** A campaign occurrence's batch, known to exist even before its first email is stored. */
    public Stats ofOccurrence(String tenant, String batchId) {
        return stats(tenant, batchId, batches.current(tenant, batchId).counts());
    }

    private Stats stats(String tenant, String batchId, Map<EmailStatus, Long> counts) {
        FeedbackEventStore.BatchFeedback f = feedback.ofBatch(tenant, batchId);
        long sent = counts.getOrDefault(EmailStatus.SENT, 0L);
        return new Stats(batchId, counts.values().stream().mapToLong(Long::longValue).sum(), sent, f.delivered(),
                new Bounces(f.bouncedHard(), f.bouncedSoft()), f.complained(), f.rejected(), f.delayed(),
                new Rates(rate(f.delivered(), sent), rate(f.bounced(), sent), rate(f.complained(), sent)));
    }

    private static double rate(long part, long sent) {
        return sent == 0 ? 0 : Math.round(part * RATE_SCALE / sent) / RATE_SCALE;
    }
}
