package dev.postdate.worker;

import dev.postdate.clickhouse.outcomes.RangeEmail;
import dev.postdate.clickhouse.outcomes.SendMark;
import dev.postdate.clickhouse.outcomes.SendMarkStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This worker's send marks on their way to {@code send_marks}, group-committed: every mark waiting
 * goes out in one insert, at most one insert per {@code send-mark-interval}, so that ClickHouse gets
 * a few inserts a second however many emails are sent. A {@code sending} mark is a promise kept
 * before the provider call ({@link #sending} completes once it is stored); a {@code released} mark
 * only narrows a later pass's doubt and is not waited for, except where noted by the caller.
 */
@Singleton
public class SendMarkLog {

    private static final Logger LOG = LoggerFactory.getLogger(SendMarkLog.class);

    private record Pending(SendMark mark, CompletableFuture<Void> stored) { }

    private final SendMarkStore store;
    private final WorkerSettings settings;
    private final WorkerMetrics metrics;
    private final AtomicLong lastVersion = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition waiting = lock.newCondition();
    /** One insert at a time: a flush that returns has written every mark added before it was called. */
    private final ReentrantLock inserting = new ReentrantLock();
    private List<Pending> pending = new ArrayList<>();
    private final Thread flusher;
    private volatile boolean open = true;

    public SendMarkLog(SendMarkStore store, WorkerSettings settings, WorkerMetrics metrics) {
        this.store = store;
        this.settings = settings;
        this.metrics = metrics;
        this.flusher = Thread.ofVirtual().name("send-mark-flusher").start(this::flushLoop);
    }

    /** Completes once ClickHouse stored that this worker may call the provider for the email. */
    public CompletableFuture<Void> sending(RangeEmail email) {
        return add(email, SendMark.Kind.SENDING);
    }

    /** This worker made no provider call after its sending mark (claim lost, given back, stopped). */
    public CompletableFuture<Void> released(RangeEmail email) {
        return add(email, SendMark.Kind.RELEASED);
    }

    private CompletableFuture<Void> add(RangeEmail email, SendMark.Kind kind) {
        Pending entry = new Pending(new SendMark(email, settings.instanceId(), kind, nextVersion()),
                new CompletableFuture<>());
        lock.lock();
        try {
            pending.add(entry);
            waiting.signal();
        } finally {
            lock.unlock();
        }
        return entry.stored;
    }

    /** Increasing within this process, and past any version an earlier process of the same id wrote. */
    private long nextVersion() {
        long micros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        return lastVersion.updateAndGet(last -> Math.max(last + 1, micros));
    }

    /** Writes every mark added so far; throws when ClickHouse does not take them. */
    public void flush() {
        inserting.lock();
        try {
            List<Pending> batch;
            lock.lock();
            try {
                batch = pending;
                pending = new ArrayList<>();
            } finally {
                lock.unlock();
            }
            write(batch);
        } finally {
            inserting.unlock();
        }
    }

    private void write(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<SendMark> marks = new ArrayList<>(batch.size());
        for (Pending entry : batch) {
            marks.add(entry.mark);
        }
        long started = System.nanoTime();
        try {
            store.record(marks, settings.flushTimeout());
        } catch (RuntimeException e) {
            List<Pending> releases = new ArrayList<>();
            for (Pending entry : batch) {
                if (entry.mark.kind() == SendMark.Kind.SENDING) {
                    // Its caller will not send; the insert may have landed all the same, so say so.
                    releases.add(new Pending(new SendMark(entry.mark.email(), entry.mark.worker(),
                            SendMark.Kind.RELEASED, nextVersion()), new CompletableFuture<>()));
                } else {
                    releases.add(entry);
                }
                entry.stored.completeExceptionally(e);
            }
            lock.lock();
            try {
                pending.addAll(0, releases);
            } finally {
                lock.unlock();
            }
            throw e;
        }
        metrics.sendMarksStored(marks.size(), System.nanoTime() - started);
        for (Pending entry : batch) {
            entry.stored.complete(null);
        }
    }

    private void flushLoop() {
        long interval = settings.sendMarkInterval().toNanos();
        long lastStart = System.nanoTime() - interval;
        // After a failed insert the next waits longer, up to retry-max-backoff: ClickHouse is away.
        long pause = interval;
        while (open) {
            lock.lock();
            try {
                while (pending.isEmpty() && open) {
                    waiting.await();
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            // At most one insert per interval: the marks that arrive meanwhile share the next one.
            long wait = lastStart + pause - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            lastStart = System.nanoTime();
            try {
                flush();
                pause = interval;
            } catch (RuntimeException e) {
                pause = Math.min(pause * 2, Math.max(interval, settings.retryMaxBackoff().toNanos()));
                LOG.warn("Send mark insert failed; those emails are not sent now: {}", LoggableFailure.describe(e));
            }
        }
    }

    /** After the consumer's stop: the releases of the last passes still go out. */
    @PreDestroy
    void close() throws InterruptedException {
        open = false;
        flusher.interrupt();
        flusher.join(settings.flushTimeout().toMillis());
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("Send marks could not be written on stop: {}", LoggableFailure.describe(e));
        }
    }
}
