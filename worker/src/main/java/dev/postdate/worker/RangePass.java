package dev.postdate.worker;

import dev.postdate.clickhouse.outcomes.OutcomeRow;
import dev.postdate.clickhouse.outcomes.RangeEmail;
import dev.postdate.clickhouse.outcomes.RecordedOutcomes;
import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.state.BatchControl;
import dev.postdate.core.state.BatchControls;
import dev.postdate.core.state.EmailStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One pass over the emails of a range: drives each email through its {@link EmailSendFlow}, up to
 * {@code send-parallelism} provider calls at once and {@code mark-ahead} more emails on their way to
 * one (their send marks being stored), and keeps what the pass learnt: what ClickHouse had recorded
 * before it, which emails it settled, which wait and which it gives back.
 */
final class RangePass {

    private static final Logger LOG = LoggerFactory.getLogger(RangePass.class);

    final RangeMessage range;
    final BooleanSupplier stopping;
    /** Provider calls of this pass at once; taken once the email's send mark is stored. */
    final Semaphore callSlots;
    private final Map<String, String> settledBefore;
    private final RecordedOutcomes.Found recorded;
    private final Set<String> cancelledBatches;
    private final Map<String, String> blockedRecipients;
    private final OutcomeLog outcomeLog;
    private final BatchControls batchControls;
    private final Duration batchControlCache;
    final Map<String, String> newlySettled = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<CompletableFuture<?>> marks = new ConcurrentLinkedQueue<>();
    private final Map<String, CachedControl> controls = new ConcurrentHashMap<>();
    final AtomicInteger waiting = new AtomicInteger();
    final AtomicInteger givenBack = new AtomicInteger();
    private final AtomicBoolean giveUpRange = new AtomicBoolean();
    int notStarted;

    RangePass(RangeMessage range, Map<String, String> settledBefore, RecordedOutcomes.Found recorded,
              Set<String> cancelledBatches, Map<String, String> blockedRecipients, BooleanSupplier stopping, OutcomeLog outcomeLog, BatchControls batchControls,
              Duration batchControlCache, int callSlots) {
        this.range = range;
        this.callSlots = new Semaphore(callSlots);
        this.settledBefore = settledBefore;
        this.recorded = recorded;
        this.cancelledBatches = cancelledBatches;
        this.blockedRecipients = blockedRecipients;
        this.stopping = stopping;
        this.outcomeLog = outcomeLog;
        this.batchControls = batchControls;
        this.batchControlCache = batchControlCache;
    }

    void run(List<RangeEmail> emails, int parallelism, Consumer<RangeEmail> flow) {
        Semaphore inFlight = new Semaphore(parallelism);
        try (ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < emails.size(); i++) {
                try {
                    inFlight.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    notStarted = emails.size() - i;
                    break;
                }
                // Checked after the wait for a free place: the stop may have begun meanwhile.
                if (stopping.getAsBoolean() || giveUpRange.get()) {
                    notStarted = emails.size() - i;
                    break;
                }
                RangeEmail email = emails.get(i);
                tasks.submit(() -> {
                    try {
                        flow.accept(email);
                    } catch (RuntimeException e) {
                        // A bug or Redis failure for this email: it stays unsettled and the range
                        // is tried again (its guard, whatever it holds then, decides).
                        LOG.warn("Email {} of range {} not handled: {}", email.id(), range.rangeId(), LoggableFailure.describe(e));
                        givenBack.incrementAndGet();
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
    }

    /** The state this range's earlier passes settled the email in (range-settled), or null. */
    String settledBefore(RangeEmail email) {
        return settledBefore.get(email.id());
    }

    /** When the pass began, ClickHouse held a send mark of some worker that it never released. */
    boolean sendBegun(RangeEmail email) {
        return recorded.sendBegun(email.tenant(), email.id());
    }

    /** The email's recorded outcome in ClickHouse when the pass began, or null. */
    EmailStatus recorded(RangeEmail email) {
        return recorded.outcome(email.tenant(), email.id());
    }

    /** Why the send-time check, asked when the pass began, stops this email; null when it may be sent. */
    String blockedRecipient(RangeEmail email) {
        return blockedRecipients.get(email.id());
    }

    /** @param settlesSendMark the row ends a provider call of this worker, begun under its send mark */
    void record(RangeEmail email, EmailStatus state, Instant at, String detail, boolean settlesSendMark) {
        outcomeLog.add(OutcomeRow.of(email, state, at, detail), settlesSendMark);
        newlySettled.put(email.id(), state.wireName());
    }

    /** Settled without a new row: its outcome is in ClickHouse already. */
    void settledAsRecorded(RangeEmail email, EmailStatus state) {
        newlySettled.put(email.id(), state.wireName());
    }

    void addMark(CompletableFuture<?> mark) {
        marks.add(mark);
    }

    /** Not settled in this pass; the range comes back for it. */
    void leaveForLater() {
        givenBack.incrementAndGet();
    }

    /** Not settled, and the provider is not taking mail: no new email of the range is started. */
    void giveUp() {
        givenBack.incrementAndGet();
        giveUpRange.set(true);
    }

    void awaitMarks() {
        for (CompletableFuture<?> mark : marks) {
            try {
                mark.join();
            } catch (RuntimeException e) {
                LOG.warn("Marking an email sent in Redis failed (its outcome goes to ClickHouse): {}", e.getMessage());
            }
        }
    }

    /**
     * The batch's control: Redis (read again after {@code batch-control-cache}), and a cancel
     * ClickHouse recorded before the pass whatever Redis says (Redis may have lost it).
     */
    BatchControl control(String tenant, String batchId) {
        if (cancelledBatches.contains(RecordedOutcomes.key(tenant, batchId))) {
            return BatchControl.CANCELLED;
        }
        String key = tenant + "\n" + batchId;
        long now = System.nanoTime();
        CachedControl cached = controls.get(key);
        if (cached == null || now - cached.readAtNanos > batchControlCache.toNanos()) {
            cached = new CachedControl(batchControls.current(tenant, batchId), now);
            controls.put(key, cached);
        }
        return cached.control;
    }

    private record CachedControl(BatchControl control, long readAtNanos) { }
}
