package dev.postdate.ingest;

import dev.postdate.clickhouse.migrations.SchemaOnStart;
import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.intake.UndecodablePacketException;
import dev.postdate.core.retry.Backoff;
import dev.postdate.core.sqs.LongPolls;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Drains the intake queue: several long polls in flight on virtual threads feed a buffer; one writer
 * cuts batches of up to {@code batch-emails} emails or {@code batch-linger} and ingests each in one
 * insert, retrying with backoff while ClickHouse or Redis is away ({@link BatchWriter}, which also
 * isolates poison packets). A message is deleted only after its packet is stored or dead-lettered;
 * until then a heartbeat keeps it hidden, and a crash hands it back to SQS.
 */
@Singleton
@Requires(property = "postdate.ingest.enabled", value = "true")
class IntakeConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeConsumer.class);
    /** How often a receiver waiting for the schema checks whether the consumer is stopping. */
    private static final Duration SCHEMA_POLL = Duration.ofMillis(500);

    private final IngestSettings settings;
    private final IntakeQueue queue;
    private final IntakeMessageReader reader;
    private final IngestMetrics metrics;
    private final PacketBuffer buffer;
    private final HeldMessages held = new HeldMessages();
    // A heartbeat that took its snapshot before a hand-back must not hide those messages again after it.
    private final ReentrantLock visibility = new ReentrantLock();
    private final LongPolls polls = new LongPolls("intake");
    private final BatchWriter batchWriter;
    private final SchemaOnStart schema;
    private final List<Thread> receivers = new ArrayList<>();
    // What the last polls brought once the buffer was closed: handed back only after every poll ended.
    private final Queue<ReceivedPacket> arrivedWhileStopping = new ConcurrentLinkedQueue<>();
    private volatile boolean receiving;
    private volatile boolean abandoning;
    private Thread writer;
    private ScheduledExecutorService heartbeat;

    IntakeConsumer(IngestSettings settings, IntakeQueue queue, IntakeMessageReader reader, BatchIngester ingester,
                   IngestMetrics metrics, IngestHealthIndicator health, Clock clock, SchemaOnStart schema,
                   @Value("${postdate.ingest.max-batch-attempts}") int maxBatchAttempts) {
        this.settings = settings;
        this.schema = schema;
        this.queue = queue;
        this.reader = reader;
        this.metrics = metrics;
        // One batch being written and one filling: enough to keep the writer busy, no more held from SQS.
        this.buffer = new PacketBuffer(settings.batchEmails(), clock);
        this.batchWriter = new BatchWriter(ingester, queue, metrics, health, settings, maxBatchAttempts, clock, held,
                buffer, this::release, () -> abandoning);
    }

    @EventListener
    void onStartup(StartupEvent event) {
        receiving = true;
        for (int i = 0; i < settings.receivers(); i++) {
            receivers.add(Thread.ofVirtual().name("intake-receiver-" + i).start(this::receiveLoop));
        }
        writer = Thread.ofVirtual().name("intake-writer").start(this::writeLoop);
        long every = settings.visibilityHeartbeat().toMillis();
        heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("intake-visibility").factory());
        heartbeat.scheduleAtFixedRate(this::keepHeldHidden, every, every, TimeUnit.MILLISECONDS);
        LOG.info("Ingesting with {} receivers, batches of {} emails or {}", settings.receivers(),
                settings.batchEmails(), settings.batchLinger());
    }

    /**
     * Stops receiving, hands buffered packets back to SQS, lets the batch being written finish within
     * {@code stop-grace} and abandons it to redelivery otherwise.
     * When it holds messages, the long polls still open are left to end by themselves (within
     * {@code receive-wait}): a poll abandoned early could still be given messages by SQS, which would then
     * stay hidden for their visibility timeout. Nothing is handed back before those polls ended, or they
     * would receive it again at once, each time counting towards the queue's {@code maxReceiveCount} and
     * pushing intact packets towards the dead-letter queue. A consumer holding nothing waits for its polls
     * too (at most {@code receive-wait}): SQS can hand such a poll messages a moment after SIGTERM, and
     * abandoning it hid them for their visibility timeout. Polls still open once the grace is over are
     * abandoned.
     * Runs on the {@link ShutdownEvent}, which closing the context (SIGTERM) publishes before it destroys
     * any bean: the queue, Redis and ClickHouse clients are all still open while work is finished or
     * handed back. (A {@code @PreDestroy} may run after those clients were closed.)
     */
    @EventListener
    void onShutdown(ShutdownEvent event) throws InterruptedException {
        long deadline = System.nanoTime() + settings.stopGrace().toNanos();
        receiving = false;
        List<ReceivedPacket> handBack = new ArrayList<>(buffer.close());
        for (Thread receiver : receivers) {
            if (!receiver.join(untilDeadline(deadline))) {
                polls.abandon();
                receiver.join();
            }
        }
        handBack.addAll(arrivedWhileStopping);
        release(handBack);
        if (writer != null && !writer.join(untilDeadline(deadline))) {
            abandoning = true;
            writer.interrupt();
            writer.join();
        }
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
    }

    private static Duration untilDeadline(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private void receiveLoop() {
        try {
            // Nothing is received before the schema is current: inserts during V012 rely on RENAME
            // waiting for them, verified on 18.16 only (docs/ingest.md, docs/clickhouse.md).
            while (receiving && !schema.awaitCurrent(SCHEMA_POLL)) {
                LOG.debug("Waiting for the schema to be current before receiving");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Backoff backoff = new Backoff(settings.retryInitialBackoff(), settings.retryMaxBackoff());
        while (receiving) {
            polls.poll(queue::receive, backoff, () -> receiving).forEach(this::accept);
        }
    }

    private void accept(Message message) {
        IntakePacket packet;
        try {
            packet = reader.read(message.body());
        } catch (UndecodablePacketException e) {
            // The message id and the reason only: the body is personal data.
            LOG.warn("Intake message {} is undecodable, moving it to the dead-letter queue: {}",
                    message.messageId(), e.getMessage());
            try {
                queue.deadLetter(message, e.getMessage());
                metrics.undecodable();
            } catch (RuntimeException sqsFailure) {
                LOG.warn("Dead-lettering intake message {} failed; it reappears and is tried again: {}",
                        message.messageId(), sqsFailure.getMessage());
            }
            return;
        }
        held.add(message);
        ReceivedPacket received = new ReceivedPacket(message, packet);
        try {
            if (!buffer.put(received)) {
                arrivedWhileStopping.add(received);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            arrivedWhileStopping.add(received);
        }
    }

    private void writeLoop() {
        try {
            for (List<ReceivedPacket> batch = buffer.nextBatch(settings.batchEmails(), settings.batchLinger());
                 !batch.isEmpty();
                 batch = buffer.nextBatch(settings.batchEmails(), settings.batchLinger())) {
                batchWriter.write(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void release(List<ReceivedPacket> packets) {
        List<Message> messages = packets.stream().map(ReceivedPacket::message).toList();
        // The interrupt that ends the stop grace is meant for the insert; the SDK would refuse the hand-back.
        boolean interrupted = Thread.interrupted();
        visibility.lock();
        try {
            held.remove(messages);
            queue.changeVisibility(messages, Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.warn("Could not hand {} messages back; they reappear after their visibility timeout: {}",
                    messages.size(), e.getMessage());
        } finally {
            visibility.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void keepHeldHidden() {
        visibility.lock();
        try {
            queue.changeVisibility(held.snapshot(), settings.visibilityTimeout());
        } catch (RuntimeException e) {
            LOG.warn("Extending the visibility of held messages failed: {}", e.getMessage());
        } finally {
            visibility.unlock();
        }
    }
}
