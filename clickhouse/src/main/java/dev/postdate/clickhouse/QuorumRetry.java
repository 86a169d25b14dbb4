package dev.postdate.clickhouse;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;

import java.time.Duration;

/**
 * ClickHouse 18.16 takes one quorum insert per table at a time: another insert into the table while
 * the previous one waits for its replicas fails at once with code 286 and writes nothing (a current
 * server runs them in parallel, {@code insert_quorum_parallel}). Such an insert is simply tried again,
 * until its deadline; any other failure goes to the caller.
 */
public final class QuorumRetry {

    /** UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE: refused before anything was written. */
    public static final int PREVIOUS_QUORUM_PENDING = 286;

    private QuorumRetry() {
    }

    public static void run(Runnable insert, Duration deadline) {
        RetryPolicy<Object> retry = RetryPolicy.builder()
                .handleIf(failure -> failure instanceof ClickHouseException e && e.code() == PREVIOUS_QUORUM_PENDING)
                .withBackoff(Duration.ofMillis(5), Duration.ofMillis(200))
                .withJitter(0.5)
                .withMaxRetries(-1)
                .withMaxDuration(deadline)
                .build();
        try {
            Failsafe.with(retry).run(insert::run);
        } catch (FailsafeException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
