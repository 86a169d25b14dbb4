package dev.postdate.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling for a condition in tests, instead of sleeping a fixed time. */
public final class Await {

    private Await() {
    }

    /** Polls until the condition holds or the timeout passes; returns whether it held. */
    public static boolean until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }
}
