package dev.postdate.ingest;

import dev.postdate.clickhouse.InsertRefusals;
import dev.postdate.core.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Writes a batch of received packets and deletes their messages once they are stored. Every failure
 * is retried with backoff for as long as it lasts: an outage of ClickHouse or Redis costs time, never
 * an email. A batch that ClickHouse itself refuses (it answers with an error) {@code max-batch-attempts}
 * times in a row is cut in halves, down to single packets, so that what it can store gets stored. A
 * single packet refused that often becomes a suspect: it is set aside and tried again right after each
 * insert ClickHouse accepts. Refused {@code max-batch-attempts} more times there, where an outage or an
 * overload cannot be the cause, it goes to the intake dead-letter queue with ClickHouse's reason
 * (docs/ingest.md, "Poison packets").
 */
final class BatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
    /** Spread of the waits, so that consumers that failed together do not retry together. */
    private static final double JITTER = 0.2;

    /** Packets inserted together, and ClickHouse's refusals of them since they were cut. */
    private static final class Group {
        final List<ReceivedPacket> packets;
        final Instant since;
        int rejections;

        Group(List<ReceivedPacket> packets, Instant since) {
            this.packets = packets;
            this.since = since;
        }
    }

    /** A packet that ClickHouse refused alone, and its refusals right after an accepted insert. */
    private static final class Suspect {
        final Group group;
        int witnessedRejections;

        Suspect(Group group) {
            this.group = group;
        }

        ReceivedPacket packet() {
            return group.packets.getFirst();
        }
    }

    private final BatchIngester ingester;
    private final IntakeQueue queue;
    private final IngestMetrics metrics;
    private final IngestHealthIndicator health;
    private final IngestSettings settings;
    private final int maxBatchAttempts;
    private final Clock clock;
    private final HeldMessages held;
    private final PacketBuffer buffer;
    private final Consumer<List<ReceivedPacket>> handBack;
    private final BooleanSupplier abandoning;

    BatchWriter(BatchIngester ingester, IntakeQueue queue, IngestMetrics metrics, IngestHealthIndicator health,
                IngestSettings settings, int maxBatchAttempts, Clock clock, HeldMessages held, PacketBuffer buffer,
                Consumer<List<ReceivedPacket>> handBack, BooleanSupplier abandoning) {
        if (maxBatchAttempts < 1) {
            throw new IllegalArgumentException("postdate.ingest.max-batch-attempts must be at least 1, not "
                    + maxBatchAttempts);
        }
        this.ingester = ingester;
        this.queue = queue;
        this.metrics = metrics;
        this.health = health;
        this.settings = settings;
        this.maxBatchAttempts = maxBatchAttempts;
        this.clock = clock;
        this.held = held;
        this.buffer = buffer;
        this.handBack = handBack;
        this.abandoning = abandoning;
    }

    /**
     * Returns once every packet of the batch, and of what it took from the buffer to vouch for a
     * suspect, is stored or dead-lettered, or, on shutdown, handed back.
     */
    void write(List<ReceivedPacket> batch) {
        Deque<Group> groups = new ArrayDeque<>(List.of(new Group(batch, clock.instant())));
        List<Suspect> suspects = new ArrayList<>();
        Backoff backoff = new Backoff(settings.retryInitialBackoff(), settings.retryMaxBackoff());
        while (!groups.isEmpty() || !suspects.isEmpty()) {
            if (groups.isEmpty()) {
                // Another insert is what shows whether ClickHouse accepts inserts while it refuses a suspect.
                List<ReceivedPacket> more = buffer.poll(settings.batchEmails() - emails(suspects));
                if (!more.isEmpty()) {
                    groups.add(new Group(more, clock.instant()));
                }
            }
            if (groups.isEmpty()) {
                if (trySuspectsAlone(suspects)) {
                    backoff.reset();
                    continue;
                }
            } else {
                Group group = groups.peekFirst();
                Optional<RuntimeException> failure = attempt(group);
                if (failure.isEmpty()) {
                    groups.pollFirst();
                    backoff.reset();
                    retryAfterSuccess(suspects);
                    continue;
                }
                if (InsertRefusals.refusal(failure.get()).isPresent() && ++group.rejections >= maxBatchAttempts) {
                    groups.pollFirst();
                    isolate(group, groups, suspects);
                }
            }
            if (abandoning.getAsBoolean() || !pause(backoff.afterFailure())) {
                abandon(groups, suspects);
                return;
            }
        }
    }

    /** Cuts a refused group in halves (tried first, in order), or sets a refused single packet aside. */
    private void isolate(Group group, Deque<Group> groups, List<Suspect> suspects) {
        int size = group.packets.size();
        if (size == 1) {
            suspects.add(new Suspect(group));
            LOG.warn("Intake message {} was refused by ClickHouse {} times alone; trying it again after inserts "
                    + "ClickHouse accepts", group.packets.getFirst().message().messageId(), group.rejections);
            return;
        }
        metrics.batchSplit();
        LOG.warn("A batch of {} packets was refused by ClickHouse {} times; writing it in halves", size,
                group.rejections);
        groups.addFirst(new Group(group.packets.subList(size / 2, size), group.since));
        groups.addFirst(new Group(group.packets.subList(0, size / 2), group.since));
    }

    /** Each suspect once, alone; one that is stored vouches for ClickHouse for the others. */
    private boolean trySuspectsAlone(List<Suspect> suspects) {
        for (Suspect suspect : List.copyOf(suspects)) {
            if (attempt(suspect.group).isEmpty()) {
                suspects.remove(suspect);
                retryAfterSuccess(suspects);
                return true;
            }
        }
        return false;
    }

    /** Right after an accepted insert: a refusal now is the packet's own doing, not ClickHouse's state. */
    private void retryAfterSuccess(List<Suspect> suspects) {
        for (Suspect suspect : List.copyOf(suspects)) {
            Optional<RuntimeException> failure = attempt(suspect.group);
            if (failure.isEmpty()) {
                suspects.remove(suspect);
            } else {
                OptionalInt refusal = InsertRefusals.refusal(failure.get());
                if (refusal.isPresent() && ++suspect.witnessedRejections >= maxBatchAttempts
                        && deadLetter(suspect, failure.get())) {
                    suspects.remove(suspect);
                }
            }
        }
    }

    private boolean deadLetter(Suspect suspect, RuntimeException refusal) {
        Message message = suspect.packet().message();
        String reason = "refused by ClickHouse " + suspect.witnessedRejections
                + " times alone, each right after an accepted insert: " + refusal.getMessage();
        try {
            queue.deadLetter(message, reason);
        } catch (RuntimeException e) {
            LOG.warn("Dead-lettering intake message {} failed; trying it again later: {}", message.messageId(),
                    e.getMessage());
            return false;
        }
        held.remove(List.of(message));
        metrics.poisoned();
        // The message id and ClickHouse's answer only: the body is personal data.
        LOG.warn("Intake message {} (packet {}) moved to the dead-letter queue: {}", message.messageId(),
                suspect.packet().packet().packetId(), reason);
        return true;
    }

    private Optional<RuntimeException> attempt(Group group) {
        List<Message> messages = group.packets.stream().map(ReceivedPacket::message).toList();
        BatchIngester.Outcome outcome;
        try {
            outcome = ingester.ingest(group.packets.stream().map(ReceivedPacket::packet).toList());
        } catch (RuntimeException e) {
            metrics.attemptFailed();
            health.attemptFailed(e);
            LOG.warn("Writing {} packets failed, trying again: {}", group.packets.size(), e.getMessage());
            return Optional.of(e);
        }
        held.remove(messages);
        try {
            queue.delete(messages);
        } catch (RuntimeException e) {
            // The packets are marked ingested: a redelivered message is deleted without a second insert.
            LOG.warn("Deleting {} ingested messages failed; their redelivery will be skipped: {}",
                    messages.size(), e.getMessage());
        }
        health.batchSucceeded();
        metrics.batchIngested(outcome, group.packets.stream().mapToInt(ReceivedPacket::emailCount).sum(),
                Duration.between(group.since, clock.instant()));
        return Optional.empty();
    }

    private static int emails(List<Suspect> suspects) {
        return suspects.stream().mapToInt(suspect -> suspect.packet().emailCount()).sum();
    }

    /** False when interrupted: shutdown is abandoning the batch. */
    private static boolean pause(Duration wait) {
        double spread = 1 + JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        try {
            Thread.sleep(Duration.ofNanos((long) (wait.toNanos() * spread)));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void abandon(Deque<Group> groups, List<Suspect> suspects) {
        List<ReceivedPacket> left = new ArrayList<>();
        groups.forEach(group -> left.addAll(group.packets));
        suspects.forEach(suspect -> left.add(suspect.packet()));
        // Only shutdown ends the retries: the packets go back to SQS for another consumer.
        LOG.info("Abandoning {} packets on shutdown", left.size());
        handBack.accept(left);
    }
}
