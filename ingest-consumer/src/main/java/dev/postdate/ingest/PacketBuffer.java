package dev.postdate.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Packets between the receivers and the batch writer. Bounded by a number of emails: when the
 * writer is stuck (ClickHouse down), receivers block instead of pulling more messages out of SQS.
 */
final class PacketBuffer {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ReceivedPacket> packets = new ArrayDeque<>();
    private final int capacityEmails;
    private final Clock clock;
    private int emails;
    private Instant oldestSince;
    private boolean closed;

    PacketBuffer(int capacityEmails, Clock clock) {
        this.capacityEmails = capacityEmails;
        this.clock = clock;
    }

    /** Adds a packet, waiting while the buffer is full; false when the buffer was closed. */
    boolean put(ReceivedPacket packet) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && emails >= capacityEmails) {
                changed.await();
            }
            if (closed) {
                return false;
            }
            if (packets.isEmpty()) {
                oldestSince = clock.instant();
            }
            packets.add(packet);
            emails += packet.emailCount();
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next batch: at least one packet, as many as fit in {@code maxEmails}, returned once that
     * many emails are there or the oldest packet waited {@code linger}. Empty once closed.
     */
    List<ReceivedPacket> nextBatch(int maxEmails, Duration linger) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && packets.isEmpty()) {
                changed.await();
            }
            while (!closed && emails < maxEmails) {
                long waitNanos = Duration.between(clock.instant(), oldestSince.plus(linger)).toNanos();
                if (waitNanos <= 0) {
                    break;
                }
                changed.await(waitNanos, TimeUnit.NANOSECONDS);
            }
            if (closed) {
                return List.of();
            }
            List<ReceivedPacket> batch = new ArrayList<>();
            int batchEmails = 0;
            while (!packets.isEmpty()
                    && (batch.isEmpty() || batchEmails + packets.peek().emailCount() <= maxEmails)) {
                ReceivedPacket packet = packets.poll();
                batch.add(packet);
                batchEmails += packet.emailCount();
            }
            emails -= batchEmails;
            // The packets left behind start a new linger: they waited less than the batch just cut.
            oldestSince = clock.instant();
            changed.signalAll();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whatever is buffered now, up to {@code maxEmails} emails (a first packet larger than that stays),
     * without waiting: for a writer that wants another insert between retries of a suspect packet.
     */
    List<ReceivedPacket> poll(int maxEmails) {
        lock.lock();
        try {
            List<ReceivedPacket> taken = new ArrayList<>();
            int takenEmails = 0;
            while (!closed && !packets.isEmpty() && takenEmails + packets.peek().emailCount() <= maxEmails) {
                ReceivedPacket packet = packets.poll();
                taken.add(packet);
                takenEmails += packet.emailCount();
            }
            if (!taken.isEmpty()) {
                emails -= takenEmails;
                // As after a batch: the packets left behind start a new linger.
                oldestSince = clock.instant();
                changed.signalAll();
            }
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the buffer and returns what it still held, for handing back to the queue. */
    List<ReceivedPacket> close() {
        lock.lock();
        try {
            closed = true;
            List<ReceivedPacket> left = new ArrayList<>(packets);
            packets.clear();
            emails = 0;
            changed.signalAll();
            return left;
        } finally {
            lock.unlock();
        }
    }
}
