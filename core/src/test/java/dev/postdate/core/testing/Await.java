package dev.postdate.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling for a condition in tests, instead of sleeping a fixed time. */
public final class Await {

    /**
     * How many times longer every wait lasts, from {@code POSTDATE_TEST_PATIENCE} (default 1). The
     * cluster pass of {@code ./postdate test} sets it: there every insert waits for a quorum of two
     * replicas on the same two cores, so what takes seconds on one server can take several times as
     * long. A longer wait for what must happen costs time only when it fails; one for what must not
     * happen watches longer.
     */
    private static final long PATIENCE = patience(System.getenv("POSTDATE_TEST_PATIENCE"));

    private Await() {
    }

    /** Polls until the condition holds or the timeout (times the patience) passes; returns whether it held. */
    public static boolean until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.multipliedBy(PATIENCE).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    private static long patience(String configured) {
        if (configured == null || configured.isBlank()) {
            return 1;
        }
        long patience = Long.parseLong(configured.strip());
        if (patience < 1) {
            throw new IllegalArgumentException("POSTDATE_TEST_PATIENCE must be a whole number of at least 1: " + configured);
        }
        return patience;
    }
}
