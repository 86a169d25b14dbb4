package dev.postdate.loadtest.peer;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prints, at most once per interval, how many executions have run, the rate since the previous line
 * and the rate since the start, so a stalling or slowing scheduler shows while the run goes on.
 */
final class ProgressPrinter {

    private final LongAdder executions;
    private final long total;
    private final long intervalNanos;
    private final long startedNanos;
    private long lastNanos;
    private long lastCount;

    ProgressPrinter(LongAdder executions, long total, Duration interval, long startedNanos) {
        this.executions = executions;
        this.total = total;
        this.intervalNanos = interval.toNanos();
        this.startedNanos = startedNanos;
        this.lastNanos = startedNanos;
    }

    void printIfDue(long nowNanos) {
        if (nowNanos - lastNanos < intervalNanos) {
            return;
        }
        long count = executions.sum();
        System.out.printf("%6.1f s: %,d of %,d executed, %,.0f/s over the last %.1f s, %,.0f/s overall%n",
                seconds(nowNanos - startedNanos), count, total,
                (count - lastCount) / seconds(nowNanos - lastNanos), seconds(nowNanos - lastNanos),
                count / seconds(nowNanos - startedNanos));
        lastNanos = nowNanos;
        lastCount = count;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
