package dev.postdate.worker;

import dev.postdate.clickhouse.outcomes.EmailOutcomes;
import dev.postdate.clickhouse.outcomes.OutcomeRow;
import dev.postdate.clickhouse.outcomes.RangeEmail;
import dev.postdate.clickhouse.outcomes.RangeEmails;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.state.BatchControl;
import dev.postdate.core.state.BatchControls;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.state.SendGuard;
import dev.postdate.core.state.SendGuardState;
import dev.postdate.core.template.RenderException;
import dev.postdate.core.template.RenderedEmail;
import dev.postdate.core.template.TemplateRenderer;
import dev.postdate.worker.ratelimit.FleetRateLimiter;
import dev.postdate.worker.send.OutgoingEmail;
import dev.postdate.worker.send.SendException;
import dev.postdate.worker.send.SendPolicy;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Works one range once: fetch, then per email (in parallel, up to {@code send-parallelism}) batch
 * check, render, claim, rate permit, send, mark sent; then write every outcome to ClickHouse in one
 * insert and remember which emails are settled. The caller decides from the {@link Verdict} what
 * happens to the SQS message. docs/worker.md has the argument why no path sends an email twice.
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
    private final EmailOutcomes outcomes;
    private final RangeLedger ledger;
    private final SendGuard guard;
    private final BatchControls batchControls;
    private final TemplateRenderer renderer;
    private final SendPolicy sendPolicy;
    private final FleetRateLimiter rateLimiter;
    private final ObjectMapper json;
    private final WorkerSettings settings;
    private final WorkerMetrics metrics;
    private final Clock clock;

    public RangeProcessor(RangeEmails rangeEmails, EmailOutcomes outcomes, RangeLedger ledger, SendGuard guard,
                          BatchControls batchControls, TemplateRenderer renderer, SendPolicy sendPolicy,
                          FleetRateLimiter rateLimiter, ObjectMapper json, WorkerSettings settings,
                          WorkerMetrics metrics, Clock clock) {
        this.rangeEmails = rangeEmails;
        this.outcomes = outcomes;
        this.ledger = ledger;
        this.guard = guard;
        this.batchControls = batchControls;
        this.renderer = renderer;
        this.sendPolicy = sendPolicy;
        this.rateLimiter = rateLimiter;
        this.json = json;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * @param firstReceive whether SQS delivers this message for the first time ({@code queued} events)
     * @param stopping     true once the process is shutting down: no new email is started
     */
    public Verdict process(RangeMessage range, boolean firstReceive, BooleanSupplier stopping) {
        List<RangeEmail> emails = rangeEmails.fetch(range.bounds());
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
        Pass pass = new Pass(range, ledger.settled(range.rangeId()), stopping);
        pass.run(emails);
        int remaining = pass.givenBack.get() + pass.notStarted;
        // Interrupted on shutdown after the grace: the outcomes gathered so far must still be written.
        boolean interrupted = Thread.interrupted();
        try {
            // Every mark-sent must be in Redis before the outcomes count as settled.
            pass.awaitMarks();
            queued.join();
            outcomes.record(List.copyOf(pass.rows), settings.flushTimeout());
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
            rows.add(new OutcomeRow(email.tenant(), email.id(), email.batchId(), EmailStatus.QUEUED, now, ""));
        }
        try {
            outcomes.record(rows, settings.flushTimeout());
        } catch (RuntimeException e) {
            // Informational only: the outcomes that follow are what matters.
            LOG.warn("Recording queued events failed: {}", e.getMessage());
        }
    }

    /** One pass over the emails of a range. */
    private final class Pass {
        final RangeMessage range;
        final Map<String, String> settledBefore;
        final BooleanSupplier stopping;
        final ConcurrentLinkedQueue<OutcomeRow> rows = new ConcurrentLinkedQueue<>();
        final Map<String, String> newlySettled = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<CompletableFuture<?>> marks = new ConcurrentLinkedQueue<>();
        final Map<String, CachedControl> controls = new ConcurrentHashMap<>();
        final AtomicInteger waiting = new AtomicInteger();
        final AtomicInteger givenBack = new AtomicInteger();
        final AtomicBoolean giveUpRange = new AtomicBoolean();
        int notStarted;

        Pass(RangeMessage range, Map<String, String> settledBefore, BooleanSupplier stopping) {
            this.range = range;
            this.settledBefore = settledBefore;
            this.stopping = stopping;
        }

        void run(List<RangeEmail> emails) {
            Semaphore inFlight = new Semaphore(settings.sendParallelism());
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
                            handle(email);
                        } catch (RuntimeException e) {
                            // A bug or Redis failure for this email: it stays unsettled and the range
                            // is tried again (its claim, if any, is reported in doubt then).
                            LOG.warn("Email {} of range {} not handled: {}", email.id(), range.rangeId(), e.toString());
                            givenBack.incrementAndGet();
                        } finally {
                            inFlight.release();
                        }
                    });
                }
            }
        }

        void awaitMarks() {
            for (CompletableFuture<?> mark : marks) {
                try {
                    mark.join();
                } catch (RuntimeException e) {
                    LOG.warn("Marking an email sent in Redis failed (it is recorded sent in ClickHouse): {}",
                            e.getMessage());
                }
            }
        }

        void handle(RangeEmail email) {
            String settled = settledBefore.get(email.id());
            if (settled != null && !(settled.equals(EmailStatus.IN_DOUBT.wireName())
                    && settings.inDoubtPolicy() == WorkerSettings.InDoubtPolicy.RESEND)) {
                return;
            }
            Instant expireAt = Instant.ofEpochSecond(email.sendAtEpochSecond()).plus(settings.stateRetention());
            if (email.payload().length == 0) {
                // Erased (DELETE /v1/recipients), which cancels it in the guard first: nothing is left to send.
                cancelUnlessTaken(email, expireAt);
                return;
            }
            EmailContent content;
            try {
                content = json.readValue(email.payload(), EmailContent.class);
            } catch (IOException | RuntimeException e) {
                fail(email, "unreadable payload: " + e.getMessage());
                return;
            }
            if (!email.batchId().isEmpty()) {
                BatchControl control = control(email.tenant(), email.batchId());
                if (control == BatchControl.PAUSED) {
                    waiting.incrementAndGet();
                    return;
                }
                if (control == BatchControl.CANCELLED) {
                    cancelUnlessTaken(email, expireAt);
                    return;
                }
            }
            RenderedEmail rendered;
            try {
                rendered = renderer.render(email.tenant(), content);
            } catch (RenderException e) {
                fail(email, e.getMessage());
                return;
            }
            OutgoingEmail outgoing = new OutgoingEmail(email.id(), newMessageId(), content.from(), content.to(),
                    content.replyTo(), rendered.subject(), rendered.html(), rendered.text(),
                    content.headers() == null ? Map.of() : content.headers());
            Permit permit = null;
            if (rateLimiter.limits(email.tenant())) {
                // Look before taking a permit, so redelivered (already sent or cancelled) emails cost none.
                SendGuardState current = guard.currentAsync(email.tenant(), email.id()).toCompletableFuture().join();
                if (current.kind() != SendGuardState.Kind.NONE) {
                    handleTaken(email, current, outgoing, expireAt);
                    return;
                }
                // The first permit comes before the claim: waiting for it never holds a claim (crash window).
                permit = new Permit(email.tenant());
                try {
                    permit.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    givenBack.incrementAndGet();
                    return;
                }
            }
            Instant claimedAt = Instant.ofEpochMilli(clock.millis());
            SendGuardState prior = guard.claimAsync(email.tenant(), email.id(), settings.instanceId(), claimedAt,
                    expireAt).toCompletableFuture().join();
            if (prior.kind() != SendGuardState.Kind.NONE) {
                handleTaken(email, prior, outgoing, expireAt);
                return;
            }
            send(email, outgoing, claimedAt, expireAt, permit);
        }

        void cancelUnlessTaken(RangeEmail email, Instant expireAt) {
            SendGuardState prior = guard.cancelAsync(email.tenant(), email.id(), expireAt).toCompletableFuture().join();
            if (prior.kind() == SendGuardState.Kind.NONE || prior.kind() == SendGuardState.Kind.CANCELLED) {
                cancelled(email);
            } else {
                handleTaken(email, prior, null, expireAt);
            }
        }

        /** The guard was not free: cancelled, sent, or claimed by someone (maybe a dead worker). */
        void handleTaken(RangeEmail email, SendGuardState prior, OutgoingEmail outgoing, Instant expireAt) {
            switch (prior.kind()) {
                case CANCELLED -> cancelled(email);
                case SENT -> {
                    // Sent before; its event may not have reached ClickHouse (crash before the flush).
                    metrics.alreadySent();
                    record(email, EmailStatus.SENT, prior.providerId());
                }
                case CLAIMED -> {
                    boolean stale = prior.claimedAt().plus(settings.resendAfter()).isBefore(clock.instant());
                    if (settings.inDoubtPolicy() == WorkerSettings.InDoubtPolicy.RESEND && stale && outgoing != null) {
                        Instant claimedAt = Instant.ofEpochMilli(clock.millis());
                        SendGuardState found = guard.takeOverAsync(email.tenant(), email.id(), prior,
                                settings.instanceId(), claimedAt, expireAt).toCompletableFuture().join();
                        if (found.equals(prior)) {
                            metrics.resent();
                            send(email, outgoing, claimedAt, expireAt,
                                    rateLimiter.limits(email.tenant()) ? new Permit(email.tenant()) : null);
                            return;
                        }
                        handleTaken(email, found, null, expireAt);
                        return;
                    }
                    if (EmailStatus.IN_DOUBT.wireName().equals(settledBefore.get(email.id()))) {
                        return;
                    }
                    metrics.inDoubt();
                    record(email, EmailStatus.IN_DOUBT, "claimed by " + prior.worker() + " at "
                            + prior.claimedAt() + " without a recorded send");
                }
                case NONE -> throw new IllegalStateException("not taken");
            }
        }

        void send(RangeEmail email, OutgoingEmail outgoing, Instant claimedAt, Instant expireAt, Permit permit) {
            long started = System.nanoTime();
            SendPolicy.Result result = permit == null ? sendPolicy.send(outgoing, stopping)
                    : sendPolicy.send(outgoing, stopping, permit::beforeAttempt);
            switch (result) {
                case SendPolicy.Result.Sent sent -> {
                    marks.add(guard.markSentAsync(email.tenant(), email.id(), settings.instanceId(), claimedAt,
                            sent.providerId(), expireAt).toCompletableFuture());
                    Instant now = clock.instant();
                    metrics.sent(Duration.ofNanos(System.nanoTime() - started),
                            now.getEpochSecond() - email.sendAtEpochSecond());
                    rows.add(new OutcomeRow(email.tenant(), email.id(), email.batchId(), EmailStatus.SENT, now,
                            sent.providerId()));
                    newlySettled.put(email.id(), EmailStatus.SENT.wireName());
                }
                case SendPolicy.Result.Failed failed -> fail(email, failed.reason());
                case SendPolicy.Result.InDoubt doubt -> {
                    metrics.inDoubt();
                    record(email, EmailStatus.IN_DOUBT, doubt.reason());
                }
                case SendPolicy.Result.GaveUp gaveUp -> {
                    // Surely not sent: free the claim so that the next pass sends it.
                    guard.releaseAsync(email.tenant(), email.id(), settings.instanceId(), claimedAt)
                            .toCompletableFuture().join();
                    LOG.info("Email {} of range {} given back: {}", email.id(), range.rangeId(), gaveUp.reason());
                    givenBack.incrementAndGet();
                    giveUpRange.set(true);
                }
            }
        }

        void cancelled(RangeEmail email) {
            metrics.cancelled();
            record(email, EmailStatus.CANCELLED, "");
        }

        void fail(RangeEmail email, String reason) {
            metrics.failed();
            record(email, EmailStatus.FAILED, reason == null ? "" : reason);
        }

        void record(RangeEmail email, EmailStatus state, String detail) {
            rows.add(new OutcomeRow(email.tenant(), email.id(), email.batchId(), state, clock.instant(), detail));
            newlySettled.put(email.id(), state.wireName());
        }

        BatchControl control(String tenant, String batchId) {
            String key = tenant + "\n" + batchId;
            long now = System.nanoTime();
            CachedControl cached = controls.get(key);
            if (cached == null || now - cached.readAtNanos > settings.batchControlCache().toNanos()) {
                cached = new CachedControl(batchControls.current(tenant, batchId), now);
                controls.put(key, cached);
            }
            return cached.control;
        }
    }

    /**
     * One email's fleet-wide rate permits: every provider call (retries too) uses a permit taken at
     * most {@code window-margin} before it, so that sends, not only permits, respect the window.
     */
    private final class Permit {
        private final String tenant;
        private long takenAt = -1;

        Permit(String tenant) {
            this.tenant = tenant;
        }

        void take() throws InterruptedException {
            rateLimiter.acquire(tenant, waitMs -> metrics.rateLimitWait());
            takenAt = System.nanoTime();
        }

        void beforeAttempt() throws SendException {
            if (takenAt < 0 || System.nanoTime() - takenAt > rateLimiter.permitValidityNanos()) {
                try {
                    take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SendException(
                            SendException.Kind.TRANSIENT, "interrupted waiting for a permit", e);
                }
            }
            takenAt = -1;
        }
    }

    private record CachedControl(BatchControl control, long readAtNanos) { }

    private String newMessageId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return "<" + new UUID(high, low) + "@" + settings.messageIdDomain() + ">";
    }
}
