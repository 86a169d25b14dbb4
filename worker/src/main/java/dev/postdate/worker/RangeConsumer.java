package dev.postdate.worker;

import dev.postdate.clickhouse.migrations.SchemaOnStart;
import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.retry.Backoff;
import dev.postdate.core.sqs.LongPolls;
import dev.postdate.core.sqs.PollingSlots;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Long-polls the ranges queue with {@code concurrency} slots (virtual threads), each working one
 * range at a time. While a range is worked, a heartbeat keeps its message hidden and its dedupe key
 * alive. The message is deleted only once every email of the range has a recorded outcome; a range
 * that cannot be finished now is handed back (visibility change) or re-queued (paused batch), and
 * one that keeps failing reaches the dead-letter queue through the queue's redrive policy.
 */
@Singleton
@Requires(property = "postdate.worker.enabled", notEquals = "false")
public class RangeConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(RangeConsumer.class);
    /** Dedupe keys expire a little before the message reappears, so a crash never drops its redelivery. */
    private static final Duration DEDUPE_MARGIN = Duration.ofSeconds(2);
    /** Beyond the stop grace, for interrupted slots to flush outcomes and hand their ranges back. */
    private static final Duration INTERRUPTED_SLOTS_GRACE = Duration.ofSeconds(5);

    private final RangeQueue queue;
    private final RangeProcessor processor;
    private final RangeLedger ledger;
    private final WorkerSettings settings;
    private final WorkerMetrics metrics;
    private final ObjectMapper json;
    private final SchemaOnStart schema;
    private final Map<String, Message> held = new ConcurrentHashMap<>();
    private final Map<String, String> heldRanges = new ConcurrentHashMap<>();
    private final LongPolls polls = new LongPolls("ranges");
    private volatile PollingSlots slots;
    // Given back on a stop only once every poll ended (onShutdown); hidden meanwhile by their visibility timeout.
    private final Queue<HandBack> handBacksWhileStopping = new ConcurrentLinkedQueue<>();
    private volatile boolean receiving;
    private volatile boolean stopping;
    private ScheduledExecutorService heartbeat;

    public RangeConsumer(RangeQueue queue, RangeProcessor processor, RangeLedger ledger, WorkerSettings settings,
                         WorkerMetrics metrics, ObjectMapper json, SchemaOnStart schema) {
        this.queue = queue;
        this.processor = processor;
        this.ledger = ledger;
        this.settings = settings;
        this.metrics = metrics;
        this.json = json;
        this.schema = schema;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        receiving = true;
        slots = PollingSlots.start("range-slot", settings.concurrency(), this::slotLoop);
        long every = settings.visibilityHeartbeat().toMillis();
        heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("range-heartbeat").factory());
        heartbeat.scheduleAtFixedRate(this::keepHeldHidden, every, every, TimeUnit.MILLISECONDS);
        LOG.info("Worker {} consuming ranges, {} at once, sender {}", settings.instanceId(), settings.concurrency(),
                settings.sender());
    }

    /**
     * Stops receiving; ranges in progress start no new email, finish the ones in flight within
     * {@code stop-grace} (then those are interrupted: a send cut off is in doubt) and are handed back.
     * While ranges are in progress, open long polls are left to end by themselves: a poll abandoned
     * early could still be given a message by SQS, which would then stay hidden for its visibility
     * timeout. Nothing is handed back before every poll ended, or this worker's own polls would receive
     * it again at once, each time counting towards the queue's maximum receives and pushing a healthy
     * range towards the dead-letter queue. An idle worker waits for its polls too (at most
     * {@code receive-wait}): a worker that holds nothing at SIGTERM can be given a range by SQS a moment
     * later, and abandoning that poll hid the range for its visibility timeout (a pause of up to a minute
     * after every scale-down). Polls still open once the grace is over are abandoned.
     * Runs on the {@link ShutdownEvent}, which closing the context (SIGTERM) publishes before it destroys
     * any bean: the queue, Redis and ClickHouse clients are all still open while work is finished or
     * handed back. (A {@code @PreDestroy} may run after those clients were closed.)
     */
    @EventListener
    void onShutdown(ShutdownEvent event) throws InterruptedException {
        stopping = true;
        receiving = false;
        if (slots != null) {
            slots.stop(System.nanoTime() + settings.stopGrace().toNanos(), polls,
                    settings.stopGrace().plus(INTERRUPTED_SLOTS_GRACE));
        }
        if (heartbeat != null) {
            // First, so that a heartbeat still running cannot hide again what is handed back below.
            heartbeat.shutdownNow();
            heartbeat.awaitTermination(settings.stopGrace().toMillis(), TimeUnit.MILLISECONDS);
        }
        for (HandBack handBack = handBacksWhileStopping.poll(); handBack != null; handBack = handBacksWhileStopping.poll()) {
            changeVisibility(handBack.message(), handBack.after());
        }
    }

    private void slotLoop() {
        try {
            if (!schema.awaitCurrent(Duration.ofDays(365))) {
                return;
            }
        } catch (InterruptedException e) {
            return;
        }
        Backoff backoff = new Backoff(settings.retryInitialBackoff(), settings.retryMaxBackoff());
        while (receiving) {
            List<Message> messages = polls.poll(() -> queue.receive(1), backoff, () -> receiving);
            if (!receiving) {
                messages.forEach(message -> handBack(message, Duration.ZERO));
                return;
            }
            for (Message message : messages) {
                work(message);
            }
        }
    }

    private void work(Message message) {
        Duration dedupeTtl = settings.visibilityTimeout().minus(DEDUPE_MARGIN);
        try {
            if (!ledger.takeMessage(message.messageId(), dedupeTtl)) {
                // Another delivery of this very message is being worked: leave it alone.
                metrics.rangeDropped();
                LOG.info("Range message {} is already being worked; dropped", message.messageId());
                return;
            }
        } catch (RuntimeException e) {
            LOG.warn("Redis unavailable for range message {}: {}", message.messageId(), e.getMessage());
            handBack(message, afterFailure(message));
            return;
        }
        held.put(message.messageId(), message);
        metrics.rangeStarted();
        try {
            RangeMessage range = decode(message);
            if (range == null) {
                return;
            }
            if (ledger.isDone(range.rangeId())) {
                metrics.rangeDropped();
                LOG.info("Range {} was completed before; message {} deleted", range.rangeId(), message.messageId());
                queue.delete(message);
                return;
            }
            if (!ledger.takeRange(range.rangeId(), dedupeTtl)) {
                Duration after = afterFailure(message);
                LOG.info("Range {} is being worked through another message; message {} waits {}",
                        range.rangeId(), message.messageId(), after);
                handBack(message, after);
                return;
            }
            heldRanges.put(message.messageId(), range.rangeId());
            try {
                RangeProcessor.Verdict verdict = processor.process(range, RangeQueue.receiveCount(message) == 1,
                        () -> stopping);
                act(message, range, verdict);
            } finally {
                heldRanges.remove(message.messageId());
                try {
                    ledger.releaseRange(range.rangeId());
                } catch (RuntimeException e) {
                    LOG.debug("Busy key of range {} not released; it expires: {}", range.rangeId(), e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            metrics.rangeFailed();
            Duration after = stopping ? Duration.ZERO : afterFailure(message);
            LOG.warn("Range message {} failed on receive {}, visible again in {} (it reaches the dead-letter queue "
                    + "after the queue's maximum receives): {}", message.messageId(), RangeQueue.receiveCount(message),
                    after, LoggableFailure.describe(e));
            handBack(message, after);
        } finally {
            held.remove(message.messageId());
            metrics.rangeEnded();
            try {
                ledger.releaseMessage(message.messageId());
            } catch (RuntimeException e) {
                LOG.debug("Dedupe key of {} not released; it expires: {}", message.messageId(), e.getMessage());
            }
        }
    }

    private void act(Message message, RangeMessage range, RangeProcessor.Verdict verdict) {
        switch (verdict) {
            case RangeProcessor.Verdict.Done done -> {
                queue.delete(message);
                metrics.rangeCompleted();
                LOG.debug("Range {} done: {} emails", range.rangeId(), done.emails());
            }
            case RangeProcessor.Verdict.ShortRead shortRead -> {
                metrics.rangeRetried();
                Duration after = Backoff.afterFailures(settings.shortReadBackoff(), settings.failureMaxBackoff(),
                        RangeQueue.receiveCount(message));
                LOG.info("Range {} read {} of {} emails (lagging replica?); nothing sent, retried in {}",
                        range.rangeId(), shortRead.found(), shortRead.expected(), after);
                handBack(message, after);
            }
            case RangeProcessor.Verdict.TooMany tooMany -> {
                metrics.rangeFailed();
                String reason = "range " + range.rangeId() + " holds " + tooMany.found() + " emails, "
                        + tooMany.expected() + " expected: ranges must never overlap";
                LOG.error("Dead-lettering: {}", reason);
                queue.deadLetter(message, reason);
            }
            case RangeProcessor.Verdict.Waiting waiting -> {
                metrics.rangeRetried();
                LOG.info("Range {}: {} emails wait for a paused batch; re-queued with a delay of {}",
                        range.rangeId(), waiting.waiting(), settings.pausedBackoff());
                queue.requeue(message, settings.pausedBackoff());
                queue.delete(message);
            }
            case RangeProcessor.Verdict.GivenBack givenBack -> {
                metrics.rangeRetried();
                Duration after = stopping ? Duration.ZERO : afterFailure(message);
                LOG.info("Range {} handed back with {} emails left, visible again in {}", range.rangeId(),
                        givenBack.remaining(), after);
                handBack(message, after);
            }
        }
    }

    /**
     * When a range that could not be finished now comes back: {@code failure-backoff}, doubling with each
     * receive up to {@code failure-max-backoff}. Every receive counts towards the queue's maximum, so
     * the waits must grow fast enough that the receives left cover an outage of ClickHouse or Redis:
     * a range is dead-lettered for being unworkable, not for the weather (docs/worker.md).
     */
    private Duration afterFailure(Message message) {
        return Backoff.afterFailures(settings.failureBackoff(), settings.failureMaxBackoff(),
                RangeQueue.receiveCount(message));
    }

    private RangeMessage decode(Message message) {
        try {
            return json.readValue(message.body(), RangeMessage.class);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Range message {} is undecodable, dead-lettering it: {}", message.messageId(), e.getMessage());
            queue.deadLetter(message, "undecodable: " + e.getMessage());
            return null;
        }
    }

    private void handBack(Message message, Duration after) {
        // Out of the heartbeat's reach first: its next beat would hide the message for the visibility
        // timeout again, shortening a longer wait (or lengthening a shorter one).
        held.remove(message.messageId());
        heldRanges.remove(message.messageId());
        if (stopping) {
            handBacksWhileStopping.add(new HandBack(message, after));
        } else {
            changeVisibility(message, after);
        }
    }

    private void changeVisibility(Message message, Duration after) {
        try {
            queue.changeVisibility(message, after);
        } catch (RuntimeException e) {
            LOG.warn("Could not hand range message {} back; it reappears after its visibility timeout: {}",
                    message.messageId(), e.getMessage());
        }
    }

    private void keepHeldHidden() {
        Duration dedupeTtl = settings.visibilityTimeout().minus(DEDUPE_MARGIN);
        for (Message message : held.values()) {
            try {
                queue.changeVisibility(message, settings.visibilityTimeout());
                ledger.extendMessage(message.messageId(), dedupeTtl);
                String rangeId = heldRanges.get(message.messageId());
                if (rangeId != null) {
                    ledger.extendRange(rangeId, dedupeTtl);
                }
            } catch (RuntimeException e) {
                LOG.warn("Extending the visibility of range message {} failed: {}", message.messageId(), e.getMessage());
            }
        }
    }

    private record HandBack(Message message, Duration after) {
    }
}
