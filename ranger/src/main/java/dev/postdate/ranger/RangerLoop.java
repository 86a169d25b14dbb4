package dev.postdate.ranger;

import dev.postdate.clickhouse.migrations.SchemaOnStart;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs ticks while this process holds the leader lease, and stands by otherwise. A tick that is
 * not finished after one step goes on at once, with the lease renewed first. A failed step
 * (ClickHouse, SQS or Redis unreachable) is logged and tried again at the next interval; the tick
 * it belongs to is finished identically.
 */
@Context
@Requires(property = "postdate.ranger.enabled", notEquals = "false")
public class RangerLoop {

    private static final Logger LOG = LoggerFactory.getLogger(RangerLoop.class);

    private final LeaderLease lease;
    private final RangerTick tick;
    private final RangerMetrics metrics;
    private final SchemaOnStart schema;
    private final Duration interval;
    private final Duration stopGrace;
    /** Counted down on shutdown: ends the wait between ticks at once, never a tick itself. */
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile Thread thread;

    public RangerLoop(LeaderLease lease, RangerTick tick, RangerMetrics metrics, SchemaOnStart schema,
                      RangerSettings settings) {
        this.lease = lease;
        this.tick = tick;
        this.metrics = metrics;
        this.schema = schema;
        this.interval = settings.tickInterval();
        this.stopGrace = settings.stopGrace();
    }

    @EventListener
    void onStartup(StartupEvent event) {
        thread = Thread.ofVirtual().name("ranger-loop").start(this::runUntilStopped);
    }

    private void runUntilStopped() {
        boolean wasLeader = false;
        while (stopping.getCount() > 0) {
            boolean tickGoesOn = false;
            try {
                OptionalLong fence = schema.isCurrent() ? lease.hold() : OptionalLong.empty();
                if (fence.isPresent() != wasLeader) {
                    LOG.info(fence.isPresent() ? "Ranger {} is now the leader (fence {})" : "Ranger {} stands by",
                            lease.instanceId(), fence.orElse(0));
                    wasLeader = fence.isPresent();
                }
                metrics.leading(wasLeader);
                if (fence.isPresent()) {
                    Instant started = Instant.now();
                    RangerTick.Outcome outcome = tick.run(fence.getAsLong());
                    metrics.recordTick(outcome, Duration.between(started, Instant.now()));
                    tickGoesOn = !outcome.finished();
                    if (outcome.ranges() > 0) {
                        LOG.info("Tick {}: {} ranges, {} emails{}", outcome.tick(), outcome.ranges(),
                                outcome.emails(), tickGoesOn ? "; the tick goes on" : "");
                    }
                }
            } catch (RuntimeException e) {
                metrics.recordFailure();
                LOG.warn("Ranger tick failed, retrying next interval: {}", e.getMessage());
            }
            if (!tickGoesOn) {
                pause();
            }
        }
    }

    private void pause() {
        try {
            stopping.await(interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.countDown();
        }
    }

    /**
     * Starts no new tick, gives the one in progress {@code stop-grace} to finish, then hands the lease
     * over at once instead of letting the standby wait for it to expire. A tick still running after
     * the grace is fenced out by the release: it can neither plan nor mark anything done.
     * Runs on the {@link ShutdownEvent}, which closing the context (SIGTERM) publishes before it destroys
     * any bean, so the Redis connection is still open for the release.
     */
    @EventListener
    void onShutdown(ShutdownEvent event) throws InterruptedException {
        stopping.countDown();
        Thread current = thread;
        if (current != null && !current.join(stopGrace)) {
            current.interrupt();
        }
        try {
            lease.release();
        } catch (RuntimeException e) {
            LOG.warn("Could not release the leader lease; a standby takes over when it expires: {}", e.getMessage());
        }
    }
}
