package dev.postdate.core.retry;

import java.time.Duration;

/**
 * The wait before the next try of a loop that keeps failing (a queue or server that is away):
 * doubles from the initial wait up to the cap, and starts over after a success. Not thread-safe:
 * one per loop. Per-call retries use Failsafe; this is for loops that must never give up.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration next;

    public Backoff(Duration initial, Duration max) {
        requireOrdered(initial, max);
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    /** The wait after one more failure in a row. */
    public Duration afterFailure() {
        Duration wait = next;
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        return wait;
    }

    public void reset() {
        next = initial;
    }

    /**
     * The wait after the {@code failures}-th failure in a row, for loops whose count outlives the
     * process (an SQS message's receive count): what {@link #afterFailure()} would answer on that call.
     */
    public static Duration afterFailures(Duration initial, Duration max, int failures) {
        requireOrdered(initial, max);
        if (failures < 1) {
            throw new IllegalArgumentException("failures start at 1, got " + failures);
        }
        Duration wait = initial;
        for (int i = 1; i < failures && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }

    private static void requireOrdered(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
    }
}
