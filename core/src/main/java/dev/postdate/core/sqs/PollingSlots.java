package dev.postdate.core.sqs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The virtual threads a consumer long-polls one queue with, each running the consumer's loop until it
 * stops receiving, and how they stop.
 */
public final class PollingSlots {

    private final List<Thread> threads;

    private PollingSlots(List<Thread> threads) {
        this.threads = threads;
    }

    /** Starts {@code count} slots named {@code name-0}, {@code name-1}, ... */
    public static PollingSlots start(String name, int count, Runnable loop) {
        List<Thread> threads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            threads.add(Thread.ofVirtual().name(name + "-" + i).start(loop));
        }
        return new PollingSlots(threads);
    }

    /**
     * Lets every slot end by itself until {@code deadlineNanos} (System.nanoTime()), the consumer having
     * stopped receiving; then abandons the polls still open, interrupts the slots still running and
     * waits up to {@code afterInterrupt} for them.
     */
    public void stop(long deadlineNanos, LongPolls polls, Duration afterInterrupt) throws InterruptedException {
        for (Thread thread : threads) {
            thread.join(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
        }
        polls.abandon();
        for (Thread thread : threads) {
            if (thread.isAlive()) {
                thread.interrupt();
            }
        }
        for (Thread thread : threads) {
            thread.join(afterInterrupt);
        }
    }
}
