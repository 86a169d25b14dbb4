package dev.postdate.worker;

import dev.postdate.clickhouse.outcomes.OutcomeRow;
import dev.postdate.clickhouse.outcomes.RangeEmail;
import dev.postdate.clickhouse.outcomes.RangeEmails;
import dev.postdate.clickhouse.outcomes.RecordedOutcomes;
import dev.postdate.clickhouse.outcomes.EmailOutcomes;
import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.state.BatchControls;
import dev.postdate.core.state.EmailStatus;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

/**
 * Works one range once: fetch its emails and what ClickHouse recorded for them, run a
 * {@link RangePass} that drives every email through its {@link EmailSendFlow}, then make sure every
 * outcome is in ClickHouse and remember which emails are settled. The caller decides from the
 * {@link Verdict} what happens to the SQS message. docs/worker.md has the argument why no path sends
 * an email twice.
 */
@Singleton
public class RangeProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(RangeProcessor.class);

    /** What became of one pass over a range. */
    public sealed interface Verdict {
        /** Every email has a recorded outcome: delete the message. */
        record Done(int emails) implements Verdict { }
        /** Fewer rows than expected (a lagging replica): nothing was sent; try again later. */
        record ShortRead(int found, int expected) implements Verdict { }
        /** More rows than expected: a bug; the range goes to the dead-letter queue. */
        record TooMany(int found, int expected) implements Verdict { }
        /** Some emails wait (paused batch): the others are done; try again later. */
        record Waiting(int waiting) implements Verdict { }
        /** Stopped or gave up before every email was handled: hand the range back now. */
        record GivenBack(int remaining) implements Verdict { }
    }

    private final RangeEmails rangeEmails;
    private final RecordedOutcomes recordedOutcomes;
    private final EmailOutcomes outcomes;
    private final OutcomeLog outcomeLog;
    private final SendMarkLog sendMarks;
    private final RangeLedger ledger;
    private final BatchControls batchControls;
    private final EmailSendFlow flow;
    private final RecipientScreen recipientScreen;
    private final WorkerSettings settings;
    private final Clock clock;

    public RangeProcessor(RangeEmails rangeEmails, RecordedOutcomes recordedOutcomes, EmailOutcomes outcomes,
                          OutcomeLog outcomeLog, SendMarkLog sendMarks, RangeLedger ledger, BatchControls batchControls, EmailSendFlow flow,
                          RecipientScreen recipientScreen, WorkerSettings settings, Clock clock) {
        this.rangeEmails = rangeEmails;
        this.recordedOutcomes = recordedOutcomes;
        this.outcomes = outcomes;
        this.outcomeLog = outcomeLog;
        this.sendMarks = sendMarks;
        this.ledger = ledger;
        this.batchControls = batchControls;
        this.flow = flow;
        this.recipientScreen = recipientScreen;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * @param firstReceive whether SQS delivers this message for the first time ({@code queued} events)
     * @param stopping     true once the process is shutting down: no new email is started
     */
    public Verdict process(RangeMessage range, boolean firstReceive, BooleanSupplier stopping) {
        // Read beside the fetch: both are bounded by the range's key, and neither waits for the other.
        CompletableFuture<List<RangeEmail>> fetched = CompletableFuture.supplyAsync(
                () -> rangeEmails.fetch(range.bounds()), Thread::startVirtualThread);
        RecordedOutcomes.Found recorded;
        List<RangeEmail> emails;
        try {
            recorded = recordedOutcomes.of(range.bounds());
            emails = fetched.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        if (emails.size() < range.expected()) {
            return new Verdict.ShortRead(emails.size(), range.expected());
        }
        if (emails.size() > range.expected()) {
            return new Verdict.TooMany(emails.size(), range.expected());
        }
        // Written while the emails are sent, not before: the insert costs the range no time. A status
        // read takes the highest-precedence state, so a queued event landing late hides nothing.
        CompletableFuture<Void> queued = firstReceive && settings.recordQueued()
                ? CompletableFuture.runAsync(() -> recordQueued(emails), Thread::startVirtualThread)
                : CompletableFuture.completedFuture(null);
        Set<RecordedOutcomes.BatchKey> batches = new HashSet<>();
        for (RangeEmail email : emails) {
            if (!email.batchId().isEmpty()) {
                batches.add(new RecordedOutcomes.BatchKey(email.tenant(), email.batchId()));
            }
        }
        RangePass pass = new RangePass(range, ledger.settled(range.rangeId()), recorded,
                recordedOutcomes.cancelledBatches(batches), recipientScreen.blocked(emails), stopping, outcomeLog,
                batchControls, settings.batchControlCache(), settings.sendParallelism());
        pass.run(emails, settings.sendParallelism() + settings.markAhead(), email -> flow.handle(pass, email));
        int remaining = pass.givenBack.get() + pass.notStarted;
        // Interrupted on shutdown after the grace: the outcomes gathered so far must still be written.
        boolean interrupted = Thread.interrupted();
        try {
            pass.awaitMarks();
            queued.join();
            // Every outcome of the pass durable before the range counts as done (most are already),
            // and the releases of the marks it did not follow with a call before the range goes back.
            outcomeLog.flush();
            sendMarks.flush();
            if (remaining == 0 && pass.waiting.get() == 0) {
                // Done: a done range is dropped whenever it comes again, so which emails settled
                // matters no more (and writing it would be one hash field per email for nothing).
                ledger.markDone(range.rangeId());
                return new Verdict.Done(emails.size());
            }
            ledger.settle(range.rangeId(), pass.newlySettled);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return remaining > 0 ? new Verdict.GivenBack(remaining) : new Verdict.Waiting(pass.waiting.get());
    }

    private void recordQueued(List<RangeEmail> emails) {
        Instant now = clock.instant();
        List<OutcomeRow> rows = new ArrayList<>(emails.size());
        for (RangeEmail email : emails) {
            rows.add(OutcomeRow.of(email, EmailStatus.QUEUED, now, ""));
        }
        try {
            outcomes.record(rows, settings.flushTimeout());
        } catch (RuntimeException e) {
            // Informational only: the outcomes that follow are what matters.
            LOG.warn("Recording queued events failed: {}", e.getMessage());
        }
    }
}
