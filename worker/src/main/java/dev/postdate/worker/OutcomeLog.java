package dev.postdate.worker;

import dev.postdate.clickhouse.outcomes.EmailOutcomes;
import dev.postdate.clickhouse.outcomes.OutcomeRow;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The outcomes of every range this worker works, on their way to {@code email_events}: one insert
 * every {@code outcome-flush-interval} (or as soon as {@code outcome-flush-rows} wait) for the whole
 * process, so that ClickHouse gets one insert per interval rather than one per range. Until then a
 * {@code sent} is known to Redis and, should Redis lose it, covered by the email's stored send mark
 * ({@link SendMarkLog}): in doubt, never sent again. A pass that ends calls {@link #flush()} before its
 * range counts as done. A failed insert keeps its rows for the next one (a row written twice changes
 * no state: status reads take the highest precedence).
 */
@Singleton
public class OutcomeLog {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeLog.class);

    private record Pending(OutcomeRow row, boolean settlesSendMark) { }

    private final EmailOutcomes outcomes;
    private final WorkerSettings settings;
    private final WorkerMetrics metrics;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    /** One insert at a time: a flush that returns has written every row added before it was called. */
    private final ReentrantLock inserting = new ReentrantLock();
    private final ReentrantLock signal = new ReentrantLock();
    private final Condition full = signal.newCondition();
    private final Thread flusher;
    private volatile boolean open = true;

    public OutcomeLog(EmailOutcomes outcomes, WorkerSettings settings, WorkerMetrics metrics) {
        this.outcomes = outcomes;
        this.settings = settings;
        this.metrics = metrics;
        this.flusher = Thread.ofVirtual().name("outcome-flusher").start(this::flushLoop);
    }

    /** @param settlesSendMark the row ends a provider call begun under this worker's send mark */
    public void add(OutcomeRow row, boolean settlesSendMark) {
        pending.add(new Pending(row, settlesSendMark));
        if (size.incrementAndGet() == settings.outcomeFlushRows()) {
            signal.lock();
            try {
                full.signal();
            } finally {
                signal.unlock();
            }
        }
    }

    /** Writes every row added so far; throws when ClickHouse does not take them (they stay pending). */
    public void flush() {
        inserting.lock();
        try {
            List<Pending> taken = new ArrayList<>();
            for (Pending entry = pending.poll(); entry != null; entry = pending.poll()) {
                taken.add(entry);
            }
            size.addAndGet(-taken.size());
            List<OutcomeRow> rows = new ArrayList<>(taken.size());
            int settled = 0;
            for (Pending entry : taken) {
                rows.add(entry.row);
                settled += entry.settlesSendMark ? 1 : 0;
            }
            try {
                outcomes.record(rows, settings.flushTimeout());
            } catch (RuntimeException e) {
                pending.addAll(taken);
                size.addAndGet(taken.size());
                throw e;
            }
            metrics.unrecordedSendsSettled(settled);
        } finally {
            inserting.unlock();
        }
    }

    private void flushLoop() {
        long interval = settings.outcomeFlushInterval().toNanos();
        while (open) {
            signal.lock();
            try {
                if (size.get() < settings.outcomeFlushRows()) {
                    full.awaitNanos(interval);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                signal.unlock();
            }
            if (size.get() > 0) {
                try {
                    flush();
                } catch (RuntimeException e) {
                    LOG.warn("Outcome flush of {} rows failed, kept for the next one: {}", size.get(), e.getMessage());
                }
            }
        }
    }

    /** After the consumer's stop (its passes flushed themselves): whatever is left still goes out. */
    @PreDestroy
    void close() throws InterruptedException {
        open = false;
        flusher.interrupt();
        flusher.join(settings.flushTimeout().toMillis());
        if (size.get() > 0) {
            try {
                flush();
            } catch (RuntimeException e) {
                LOG.warn("{} outcomes could not be written on stop; their emails are reported by their guards on the "
                        + "next pass: {}", size.get(), e.getMessage());
            }
        }
    }
}
