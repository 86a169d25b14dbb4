package dev.postdate.worker;

import dev.postdate.clickhouse.outcomes.RangeEmail;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.state.BatchControl;
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
import dev.postdate.worker.tracking.EmailTracking;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One email's way through a pass: recorded outcome -> batch control -> expiry -> send-time check of
 * the recipient -> render -> tracking links -> claim -> durable
 * send mark -> call slot -> rate permit -> mark sending -> send -> mark sent -> record. ClickHouse's
 * recorded outcome decides first, and its send marks say whether a send may have begun where Redis
 * lost the guard; the guard in Redis settles the races. docs/worker.md argues why no path sends an
 * email twice.
 */
@Singleton
class EmailSendFlow {

    private static final Logger LOG = LoggerFactory.getLogger(EmailSendFlow.class);

    private final SendGuard guard;
    private final SendMarkLog sendMarks;
    private final TemplateRenderer renderer;
    private final EmailTracking tracking;
    private final SendPolicy sendPolicy;
    private final FleetRateLimiter rateLimiter;
    private final InDoubtPolicies inDoubtPolicies;
    private final ObjectMapper json;
    private final WorkerSettings settings;
    private final WorkerMetrics metrics;
    private final Clock clock;

    EmailSendFlow(SendGuard guard, SendMarkLog sendMarks, TemplateRenderer renderer, EmailTracking tracking,
                  SendPolicy sendPolicy,
                  FleetRateLimiter rateLimiter, InDoubtPolicies inDoubtPolicies, ObjectMapper json,
                  WorkerSettings settings, WorkerMetrics metrics, Clock clock) {
        this.guard = guard;
        this.sendMarks = sendMarks;
        this.renderer = renderer;
        this.tracking = tracking;
        this.sendPolicy = sendPolicy;
        this.rateLimiter = rateLimiter;
        this.inDoubtPolicies = inDoubtPolicies;
        this.json = json;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    void handle(RangePass pass, RangeEmail email) {
        new Steps(pass, email).run();
    }

    /** The steps for one email of one pass. */
    private final class Steps {
        private final RangePass pass;
        private final RangeEmail email;
        private final Instant expireAt;
        private final boolean resends;
        /** This worker's sending mark is stored: from here until an outcome or a release, Redis alone is not the truth. */
        private boolean marked;
        private boolean holdsCallSlot;
        /** The sending mark is in Redis: the provider call may begin. */
        private boolean callStarted;
        /** What this pass records when it finds or sets the guard cancelled: a cancel, a suppression, an expiry. */
        private EmailStatus stopState = EmailStatus.CANCELLED;
        private String stopDetail = "";
        /** The email's expires_at, or null: checked again right before its first provider call. */
        private Instant expiresAt;

        Steps(RangePass pass, RangeEmail email) {
            this.pass = pass;
            this.email = email;
            this.expireAt = Instant.ofEpochSecond(email.sendAtEpochSecond()).plus(settings.stateRetention());
            this.resends = inDoubtPolicies.resends(email.tenant());
        }

        void run() {
            try {
                steps();
            } finally {
                if (holdsCallSlot) {
                    pass.callSlots.release();
                }
                if (marked && !callStarted) {
                    sendMarks.released(email).whenComplete((ok, failure) -> metrics.unrecordedSendSettled());
                }
            }
        }

        void steps() {
            String settled = pass.settledBefore(email);
            if (settled != null && !(settled.equals(EmailStatus.IN_DOUBT.wireName()) && resends)) {
                return;
            }
            if (decidedByRecord()) {
                return;
            }
            if (email.payload().length == 0) {
                // Erased (DELETE /v1/recipients), which cancels it in the guard first: nothing is left to send.
                stopUnlessTaken(EmailStatus.CANCELLED, "");
                return;
            }
            EmailContent content;
            try {
                content = json.readValue(email.payload(), EmailContent.class);
            } catch (IOException | RuntimeException e) {
                fail("unreadable payload: " + e.getMessage());
                return;
            }
            if (!email.batchId().isEmpty()) {
                BatchControl control = pass.control(email.tenant(), email.batchId());
                if (control == BatchControl.PAUSED) {
                    pass.waiting.incrementAndGet();
                    return;
                }
                if (control == BatchControl.CANCELLED) {
                    stopUnlessTaken(EmailStatus.CANCELLED, "");
                    return;
                }
            }
            expiresAt = content.expiresAt();
            if (expired()) {
                stopUnlessTaken(EmailStatus.EXPIRED, "not sent by " + expiresAt);
                return;
            }
            String blocked = pass.blockedRecipient(email);
            if (blocked != null) {
                stopUnlessTaken(EmailStatus.SUPPRESSED, blocked);
                return;
            }
            RenderedEmail rendered;
            try {
                rendered = renderer.render(email.tenant(), content);
            } catch (RenderException e) {
                fail(e.getMessage());
                return;
            }
            EmailTracking.Tracked tracked = tracking.apply(email.id(), email.tenant(), email.batchId(), content,
                    rendered.html(), rendered.text(), content.headers() == null ? Map.of() : content.headers());
            OutgoingEmail outgoing = new OutgoingEmail(email.id(), newMessageId(), content.from(), content.to(),
                    content.replyTo(), rendered.subject(), tracked.html(), tracked.text(), tracked.headers());
            if (pass.sendBegun(email) && !resends) {
                // A worker marked it sending and never released it: only its guard can say how that
                // ended. Without one, Redis lost it, and the provider call may have happened.
                SendGuardState current = join(guard.currentAsync(email.tenant(), email.id()));
                if (current.kind() == SendGuardState.Kind.NONE) {
                    metrics.inDoubt();
                    record(EmailStatus.IN_DOUBT, "a send may have begun (send mark) and Redis lost its guard");
                } else {
                    taken(current, outgoing);
                }
                return;
            }
            Instant claimedAt = Instant.ofEpochMilli(clock.millis());
            SendGuardState prior = join(guard.claimAsync(email.tenant(), email.id(), settings.instanceId(), claimedAt,
                    expireAt));
            if (prior.kind() != SendGuardState.Kind.NONE) {
                taken(prior, outgoing);
                return;
            }
            send(outgoing, claimedAt);
        }

        /**
         * ClickHouse recorded a final or blocking outcome before this pass: that decides, whatever
         * Redis holds (it may have lost the guard). Only an in-doubt email the tenant allowed to be
         * sent again, or one under the {@code resend} policy, goes on to its guard.
         */
        boolean decidedByRecord() {
            EmailStatus recorded = pass.recorded(email);
            if (recorded == null) {
                return false;
            }
            switch (recorded) {
                case SENT -> metrics.alreadySent();
                case CANCELLED -> metrics.cancelled();
                case SUPPRESSED -> metrics.suppressed();
                case EXPIRED -> metrics.expired();
                case IN_DOUBT -> {
                    if (resends || join(guard.currentAsync(email.tenant(), email.id())).kind()
                            == SendGuardState.Kind.RESEND) {
                        return false;
                    }
                }
                default -> { }
            }
            pass.settledAsRecorded(email, recorded);
            return true;
        }

        /**
         * Not to be sent: cancels it in the guard and records {@code state}, unless a send may have
         * begun. Then the guard says how it ended; without one (Redis lost it) it is in doubt.
         */
        void stopUnlessTaken(EmailStatus state, String detail) {
            stopState = state;
            stopDetail = detail;
            if (pass.sendBegun(email)
                    && join(guard.currentAsync(email.tenant(), email.id())).kind() == SendGuardState.Kind.NONE) {
                metrics.inDoubt();
                record(EmailStatus.IN_DOUBT, "a send may have begun (send mark) and Redis lost its guard");
                return;
            }
            SendGuardState prior = join(guard.cancelAsync(email.tenant(), email.id(), expireAt));
            if (prior.kind() == SendGuardState.Kind.NONE) {
                stopped();
            } else {
                // Cancelled before (by the tenant, say): that is what it is, not this pass's stop.
                taken(prior, null);
            }
        }

        /** The guard was not free: cancelled, sent, claimed or being sent by someone, or a resend allowed. */
        void taken(SendGuardState prior, OutgoingEmail outgoing) {
            Instant now = clock.instant();
            switch (prior.kind()) {
                case CANCELLED -> cancelled();
                case SENT -> {
                    // Sent before; its event may not have reached ClickHouse (crash before the flush).
                    metrics.alreadySent();
                    record(EmailStatus.SENT, prior.providerId());
                }
                case CLAIMED -> {
                    if (!prior.claimedAt().plus(settings.claimTimeout()).isBefore(now)) {
                        // Another pass is about to send it (a second message of the range): its outcome decides.
                        pass.leaveForLater();
                    } else if (outgoing == null) {
                        // Its worker is gone before the provider call, and the email is not to be sent.
                        SendGuardState found = join(guard.cancelStaleClaimAsync(email.tenant(), email.id(), prior,
                                expireAt));
                        if (found.equals(prior)) {
                            stopped();
                        } else {
                            taken(found, null);
                        }
                    } else {
                        // Its worker is gone and never reached the provider (no sending mark): send it.
                        takeOver(prior, outgoing, metrics::claimTakenOver);
                    }
                }
                case SENDING -> {
                    boolean stale = prior.claimedAt().plus(settings.resendAfter()).isBefore(now);
                    if (resends && stale && outgoing != null) {
                        takeOver(prior, outgoing, metrics::resent);
                        return;
                    }
                    if (EmailStatus.IN_DOUBT.wireName().equals(pass.settledBefore(email))) {
                        return;
                    }
                    metrics.inDoubt();
                    record(EmailStatus.IN_DOUBT, "being sent by " + prior.worker() + " since " + prior.claimedAt()
                            + " without a recorded outcome");
                }
                case RESEND -> {
                    if (outgoing == null) {
                        // The batch was cancelled after the resend was allowed: the cancel wins, it stays in doubt.
                        pass.settledAsRecorded(email, EmailStatus.IN_DOUBT);
                    } else {
                        takeOver(prior, outgoing, metrics::resent);
                    }
                }
                // The guard changed under a compare-and-set and is gone now (Redis lost it): next pass.
                case NONE -> pass.leaveForLater();
            }
        }

        /**
         * Holding the claim: no provider call without this worker's sending mark stored first. The
         * mark is waited for before a call slot is taken, so that the slots are busy with calls, not
         * with ClickHouse. False when the email waits for a later pass: the claim stays when the mark
         * failed (taken over once stale, as a dead worker's), and is given back on a stop.
         */
        boolean markedWithCallSlot(Instant claimedAt) {
            try {
                sendMarks.sending(email).join();
            } catch (RuntimeException e) {
                LOG.info("Email {} of range {} not sent now: its send mark was not stored", email.id(),
                        pass.range.rangeId());
                pass.leaveForLater();
                return false;
            }
            marked = true;
            metrics.unrecordedSendAdded();
            try {
                pass.callSlots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                giveBack(claimedAt);
                pass.leaveForLater();
                return false;
            }
            holdsCallSlot = true;
            if (pass.stopping.getAsBoolean()) {
                // Stopping: an email that waited for its slot is not started any more.
                giveBack(claimedAt);
                pass.leaveForLater();
                return false;
            }
            return true;
        }

        /** The provider surely did not get the email: the release is stored before the guard lets go. */
        void giveBack(Instant claimedAt) {
            if (marked) {
                marked = false;
                try {
                    sendMarks.released(email).join();
                } finally {
                    metrics.unrecordedSendSettled();
                }
            }
            join(guard.releaseAsync(email.tenant(), email.id(), settings.instanceId(), claimedAt));
        }

        void takeOver(SendGuardState prior, OutgoingEmail outgoing, Runnable counted) {
            Instant claimedAt = Instant.ofEpochMilli(clock.millis());
            SendGuardState found = join(guard.takeOverAsync(email.tenant(), email.id(), prior, settings.instanceId(),
                    claimedAt, expireAt));
            if (!found.equals(prior)) {
                taken(found, outgoing);
                return;
            }
            counted.run();
            send(outgoing, claimedAt);
        }

        void send(OutgoingEmail outgoing, Instant claimedAt) {
            if (!markedWithCallSlot(claimedAt)) {
                return;
            }
            // Waiting for a permit holds the claim; a claim that goes stale meanwhile is taken over
            // only by a second pass of the range, and then this one's sending mark fails.
            Permit permit = rateLimiter.limits(email.tenant()) ? new Permit(email.tenant()) : null;
            long started = System.nanoTime();
            AtomicBoolean markedSending = new AtomicBoolean();
            SendPolicy.Result result;
            try {
                result = sendPolicy.send(outgoing, pass.stopping, () -> {
                    if (permit != null) {
                        permit.beforeAttempt();
                    }
                    if (!markedSending.get()) {
                        if (expired()) {
                            throw new SendException(SendException.Kind.EXPIRED, "not sent by " + expiresAt, null);
                        }
                        markSending(claimedAt);
                        markedSending.set(true);
                        callStarted = true;
                        metrics.providerCallStarted();
                    }
                });
            } catch (RuntimeException e) {
                if (markedSending.get()) {
                    metrics.providerCallEnded();
                }
                throw e;
            }
            if (markedSending.get() && !(result instanceof SendPolicy.Result.Sent)) {
                metrics.providerCallEnded();
            }
            switch (result) {
                case SendPolicy.Result.Sent sent -> {
                    // In doubt until the sent mark is in Redis: counted in flight until then.
                    CompletableFuture<SendGuardState> mark = guard.markSentAsync(email.tenant(), email.id(),
                            settings.instanceId(), claimedAt, sent.providerId(), expireAt).toCompletableFuture();
                    mark.whenComplete((state, failure) -> metrics.providerCallEnded());
                    pass.addMark(mark);
                    Instant now = clock.instant();
                    metrics.sent(Duration.ofNanos(System.nanoTime() - started),
                            now.getEpochSecond() - email.sendAtEpochSecond());
                    pass.record(email, EmailStatus.SENT, now, sent.providerId(), true);
                }
                case SendPolicy.Result.Failed failed -> fail(failed.reason());
                case SendPolicy.Result.InDoubt doubt -> {
                    metrics.inDoubt();
                    record(EmailStatus.IN_DOUBT, doubt.reason());
                }
                case SendPolicy.Result.GaveUp gaveUp -> {
                    // Surely not sent: free the claim so that the next pass sends it.
                    giveBack(claimedAt);
                    LOG.info("Email {} of range {} given back: {}", email.id(), pass.range.rangeId(), gaveUp.reason());
                    pass.giveUp();
                }
                case SendPolicy.Result.Expired expired -> {
                    // Its claim held, no call begun: free the claim, then stop it as expired.
                    giveBack(claimedAt);
                    stopUnlessTaken(EmailStatus.EXPIRED, expired.reason());
                }
                case SendPolicy.Result.ClaimLost lost -> {
                    LOG.info("Email {} of range {} not sent: {}", email.id(), pass.range.rangeId(), lost.reason());
                    pass.leaveForLater();
                }
            }
        }

        boolean expired() {
            return expiresAt != null && clock.instant().isAfter(expiresAt);
        }

        /** Right before the first provider call: from here on a crash leaves the email in doubt. */
        void markSending(Instant claimedAt) throws SendException {
            SendGuardState found = join(guard.markSendingAsync(email.tenant(), email.id(), settings.instanceId(),
                    claimedAt, expireAt));
            if (found.kind() != SendGuardState.Kind.CLAIMED || !found.worker().equals(settings.instanceId())
                    || !found.claimedAt().equals(claimedAt)) {
                throw new SendException(SendException.Kind.CLAIM_LOST, "the guard holds " + found.kind()
                        + " instead of this worker's claim", null);
            }
        }

        void cancelled() {
            metrics.cancelled();
            record(EmailStatus.CANCELLED, "");
        }

        /** Stopped by this pass: cancelled in the guard by it, recorded as what made it stop. */
        void stopped() {
            switch (stopState) {
                case SUPPRESSED -> metrics.suppressed();
                case EXPIRED -> metrics.expired();
                default -> metrics.cancelled();
            }
            record(stopState, stopDetail);
        }

        void fail(String reason) {
            metrics.failed();
            record(EmailStatus.FAILED, reason == null ? "" : reason);
        }

        void record(EmailStatus state, String detail) {
            // The outcome settles this worker's mark only if it called the provider; else the release does.
            pass.record(email, state, clock.instant(), detail, marked && callStarted);
        }
    }

    private static SendGuardState join(CompletionStage<SendGuardState> stage) {
        return stage.toCompletableFuture().join();
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

    private String newMessageId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return "<" + new UUID(high, low) + "@" + settings.messageIdDomain() + ">";
    }
}
