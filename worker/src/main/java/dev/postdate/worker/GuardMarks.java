package dev.postdate.worker;

import dev.postdate.core.state.SendGuard;
import dev.postdate.core.state.SendGuardState;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.util.concurrent.CompletableFuture;

/**
 * This worker's sending and sent marks in Redis, many emails per script call: each email asks for
 * its own, and what is asked while a call is out goes in the next one. One script call per email and
 * mark was a third of Redis's CPU at this worker's rate (docs/benchmarks.md); each key is still
 * compared and set on its own, atomically, so the guard's rules do not change.
 */
@Singleton
class GuardMarks {

    private final Coalescer<SendGuard.Claim, SendGuardState> sending;
    private final Coalescer<SendGuard.Sent, SendGuardState> sent;

    GuardMarks(SendGuard guard, WorkerSettings settings) {
        this.sending = new Coalescer<>("guard-sending-marks", settings.guardMarksPerCall(), guard::markSendingAll);
        this.sent = new Coalescer<>("guard-sent-marks", settings.guardMarksPerCall(), guard::markSentAll);
    }

    /** {@link SendGuard#markSendingAsync}: the state found, the claim itself iff the call may go ahead. */
    CompletableFuture<SendGuardState> sending(SendGuard.Claim claim) {
        return sending.submit(claim);
    }

    /** {@link SendGuard#markSentAsync}. */
    CompletableFuture<SendGuardState> sent(SendGuard.Claim claim, String providerId) {
        return sent.submit(new SendGuard.Sent(claim, providerId));
    }

    /** After the consumer's stop: the marks of the last passes are still written. */
    @PreDestroy
    void close() throws InterruptedException {
        sending.close();
        sent.close();
    }
}
