package dev.postdate.worker.send;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.postdate.worker.WorkerSettings;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Owns every retry of a send. Throttling is retried with backoff for up to {@code throttle-max-wait}
 * and an unreachable provider for up to {@code unreachable-max-wait} (neither is the email's failure:
 * afterwards the email is given back); a transient error up to {@code max-attempts} attempts; a
 * permanent error fails at once; an ambiguous one (the request may have reached the provider) is
 * never retried.
 */
public class SendPolicy {

    /** How one email's send ended. */
    public sealed interface Result {
        record Sent(String providerId, int attempts) implements Result { }
        /** Surely not accepted; final. */
        record Failed(String reason) implements Result { }
        /** Maybe accepted: the claim stays, the email is in doubt. */
        record InDoubt(String reason) implements Result { }
        /** Surely not accepted, but not final either: shutting down or throttled too long; try again later. */
        record GaveUp(String reason) implements Result { }
        /** Not attempted: the claim was no longer this worker's when the call was due. */
        record ClaimLost(String reason) implements Result { }

        record Expired(String reason) implements Result { }
    }

    private final Sender sender;
    private final WorkerSettings settings;
    private final Runnable onThrottle;

    public SendPolicy(Sender sender, WorkerSettings settings, Runnable onThrottle) {
        this.sender = sender;
        this.settings = settings;
        this.onThrottle = onThrottle;
    }

    public Sender sender() {
        return sender;
    }

    /**
     * Called right before every provider call (the rate-limit permit, the guard's sending mark); may
     * refuse with a SendException.
     */
    @FunctionalInterface
    public interface BeforeAttempt {
        void run() throws SendException;
    }

    public Result send(OutgoingEmail email, BooleanSupplier stopping) {
        return send(email, stopping, () -> { });
    }

    public Result send(OutgoingEmail email, BooleanSupplier stopping, BeforeAttempt beforeAttempt) {
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger transientFailures = new AtomicInteger();
        long started = System.nanoTime();
        long throttleDeadline = started + settings.throttleMaxWait().toNanos();
        long unreachableDeadline = started + settings.unreachableMaxWait().toNanos();
        RetryPolicy<String> retry = RetryPolicy.<String>builder()
                .handleIf((result, failure) -> {
                    if (!(failure instanceof SendException e) || stopping.getAsBoolean()) {
                        return false;
                    }
                    return switch (e.kind()) {
                        case THROTTLED -> System.nanoTime() < throttleDeadline;
                        case UNREACHABLE -> System.nanoTime() < unreachableDeadline;
                        case TRANSIENT -> transientFailures.get() < settings.maxAttempts();
                        default -> false;
                    };
                })
                .withMaxRetries(-1)
                .withBackoff(settings.retryInitialBackoff(), maxBackoff())
                .withJitter(0.25)
                .build();
        try {
            String providerId = Failsafe.with(retry).get(() -> {
                try {
                    beforeAttempt.run();
                    attempts.incrementAndGet();
                    return sender.send(email);
                } catch (SendException e) {
                    if (e.kind() == SendException.Kind.THROTTLED) {
                        onThrottle.run();
                    } else if (e.kind() == SendException.Kind.TRANSIENT) {
                        transientFailures.incrementAndGet();
                    }
                    throw e;
                }
            });
            return new Result.Sent(providerId, attempts.get());
        } catch (FailsafeException wrapped) {
            Throwable cause = wrapped.getCause();
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                // Interrupted while waiting between attempts: the last attempt surely failed.
                return new Result.GaveUp("interrupted between attempts");
            }
            if (cause instanceof SendException e) {
                return classifyFinal(e, transientFailures.get());
            }
            return new Result.InDoubt("unexpected: " + cause);
        } catch (RuntimeException e) {
            // A sender bug or an unchecked failure inside the SDK: we cannot know whether it was sent.
            return new Result.InDoubt("unexpected: " + e);
        }
    }

    private Result classifyFinal(SendException e, int transientFailures) {
        return switch (e.kind()) {
            case PERMANENT -> new Result.Failed(e.getMessage());
            case AMBIGUOUS -> new Result.InDoubt(e.getMessage());
            case CLAIM_LOST -> new Result.ClaimLost(e.getMessage());
            case EXPIRED -> new Result.Expired(e.getMessage());
            case THROTTLED -> new Result.GaveUp("throttled for longer than " + settings.throttleMaxWait());
            // A give-up reason is logged, so it leaves out the provider's text, which can quote the recipient.
            case UNREACHABLE -> new Result.GaveUp("provider unreachable for longer than " + settings.unreachableMaxWait());
            case TRANSIENT -> transientFailures >= settings.maxAttempts()
                    ? new Result.Failed("gave up after " + transientFailures + " attempts: " + e.getMessage())
                    : new Result.GaveUp("stopped while retrying a transient failure");
        };
    }

    private Duration maxBackoff() {
        return settings.retryMaxBackoff().compareTo(settings.retryInitialBackoff()) > 0
                ? settings.retryMaxBackoff() : settings.retryInitialBackoff().plusMillis(1);
    }
}
