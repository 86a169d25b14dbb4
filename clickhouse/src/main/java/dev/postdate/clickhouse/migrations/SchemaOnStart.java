package dev.postdate.clickhouse.migrations;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.postdate.clickhouse.ClickHouseSettings;
import dev.postdate.clickhouse.ClickHouseSql;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Applies pending migrations when a component starts. ClickHouse may be down at that moment: the
 * component then starts anyway, reports unhealthy and keeps retrying with backoff until it succeeds,
 * so a restart order between servers and components never matters.
 */
@Singleton
public class SchemaOnStart {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaOnStart.class);

    private final ClickHouseSql sql;
    private final ClickHouseSettings settings;
    private final Duration maxBackoff;
    private final Duration lockStaleAfter;
    private final Duration stopGrace;
    private final CountDownLatch current = new CountDownLatch(1);
    /** Held while an attempt runs, so that stopping can wait for it to give its migration lock back. */
    private final ReentrantLock attempt = new ReentrantLock();
    private volatile boolean stopping;
    private volatile CompletableFuture<Void> migration = CompletableFuture.completedFuture(null);

    public SchemaOnStart(ClickHouseSql sql, ClickHouseSettings settings,
                         @Value("${postdate.clickhouse.migrate-max-backoff:30s}") Duration maxBackoff,
                         @Value("${postdate.clickhouse.migration-lock-stale-after:"
                                 + MigrationLock.DEFAULT_STALE_AFTER_MINUTES + "m}") Duration lockStaleAfter,
                         @Value("${postdate.clickhouse.migrate-stop-grace:10s}") Duration stopGrace) {
        this.sql = sql;
        this.settings = settings;
        this.maxBackoff = maxBackoff;
        this.lockStaleAfter = lockStaleAfter;
        this.stopGrace = stopGrace;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        if (!settings.migrateOnStart()) {
            current.countDown();
            return;
        }
        migration = migrateUntilDone();
    }

    /**
     * Stops retrying and interrupts an attempt under way, then waits up to {@code migrate-stop-grace}
     * for it to end: the client it gives its migration lock back through closes after this bean. A
     * lock not given back holds the next migrator of the database for the lock's stale time.
     */
    @PreDestroy
    void stopRetrying() throws InterruptedException {
        stopping = true;
        migration.cancel(true);
        if (attempt.tryLock(stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
            attempt.unlock();
        } else {
            LOG.warn("A schema migration of database {} did not end within {} of the component stopping;"
                    + " a migration lock it holds stays until it is stale", settings.database(), stopGrace);
        }
    }

    /** True once the schema this build needs is in place. */
    public boolean isCurrent() {
        return current.getCount() == 0;
    }

    /** Blocks until the schema is current; false when it is not within the timeout. */
    public boolean awaitCurrent(Duration timeout) throws InterruptedException {
        return current.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Void> migrateUntilDone() {
        RetryPolicy<Object> retry = RetryPolicy.builder()
                .handle(RuntimeException.class)
                .withBackoff(Duration.ofSeconds(1), maxBackoff)
                .withJitter(0.2)
                .withMaxRetries(-1)
                .onRetry(e -> LOG.warn("Schema migration failed (attempt {}), retrying: {}",
                        e.getAttemptCount(), e.getLastException().getMessage()))
                .build();
        // One migrator for every attempt: its lock's token stays the same, so an attempt takes back
        // a lock an earlier one could not give back (ClickHouse gone meanwhile).
        Migrator migrator = new Migrator(sql, lockStaleAfter);
        return Failsafe.with(retry).runAsync(() -> migrateOnce(migrator));
    }

    private void migrateOnce(Migrator migrator) {
        attempt.lock();
        try {
            if (stopping) {
                return;
            }
            migrator.migrate();
            current.countDown();
            LOG.info("Schema of database {} is current", settings.database());
        } finally {
            attempt.unlock();
        }
    }
}
