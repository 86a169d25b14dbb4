package dev.postdate.tracker;

import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.tracking.TrackingEvent;
import io.micronaut.context.annotation.Context;
import io.micronaut.serde.ObjectMapper;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Puts tracking events on the tracking queue, several to an SQS message: an event's future completes
 * only once SQS acknowledged the message holding it, which is when the tracker may answer. Events of
 * concurrent requests share a message for up to {@code linger}, so that thousands of clicks a second
 * cost hundreds of SQS calls, not thousands.
 */
@Context
public class TrackingEventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(TrackingEventPublisher.class);

    /** SQS's largest message body. */
    private static final int MAX_MESSAGE_BYTES = 256 * 1024;

    private record Pending(TrackingEvent event, CompletableFuture<Void> done) {
    }

    private final SqsAsyncClient sqs;
    private final QueueUrls queueUrls;
    private final ObjectMapper json;
    private final TrackerSettings settings;
    private final TrackerMetrics metrics;
    private final BlockingQueue<Pending> pending;
    private final Thread packer;
    private volatile boolean running = true;

    public TrackingEventPublisher(SqsAsyncClient sqs, QueueUrls queueUrls, ObjectMapper json, TrackerSettings settings,
                                  TrackerMetrics metrics) {
        this.sqs = sqs;
        this.queueUrls = queueUrls;
        this.json = json;
        this.settings = settings;
        this.metrics = metrics;
        this.pending = new ArrayBlockingQueue<>(settings.maxPending());
        this.packer = Thread.ofPlatform().name("tracking-packer").daemon().start(this::packLoop);
    }

    /** Completes when the event is on the queue; fails at once when too many wait already. */
    public CompletableFuture<Void> publish(TrackingEvent event) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!running || !pending.offer(new Pending(event, done))) {
            metrics.refused();
            done.completeExceptionally(new RejectedExecutionException("too many tracking events wait for SQS"));
        }
        return done;
    }

    private void packLoop() {
        List<Pending> batch = new ArrayList<>(settings.eventsPerMessage());
        while (running || !pending.isEmpty()) {
            try {
                Pending first = pending.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + settings.linger().toNanos();
                while (batch.size() < settings.eventsPerMessage()) {
                    long left = deadline - System.nanoTime();
                    Pending next = left <= 0 ? pending.poll() : pending.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                send(List.copyOf(batch));
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("Packing {} tracking events failed: {}", batch.size(), e.getMessage());
                batch.forEach(p -> p.done().completeExceptionally(e));
                batch.clear();
            }
        }
    }

    /** One message, or halves of the batch while it is above SQS's 256 KiB (long destinations). */
    private void send(List<Pending> batch) {
        String body;
        try {
            body = json.writeValueAsString(batch.stream().map(Pending::event).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES && batch.size() > 1) {
            send(batch.subList(0, batch.size() / 2));
            send(batch.subList(batch.size() / 2, batch.size()));
            return;
        }
        sqs.sendMessage(r -> r.queueUrl(queueUrls.urlOf(settings.queue())).messageBody(body))
                .whenComplete((response, failure) -> {
                    if (failure == null) {
                        metrics.published(batch.size());
                        batch.forEach(p -> p.done().complete(null));
                    } else {
                        metrics.publishFailed(batch.size());
                        LOG.warn("{} tracking events not put on the queue: {}", batch.size(), failure.getMessage());
                        batch.forEach(p -> p.done().completeExceptionally(failure));
                    }
                });
    }

    /** Events already accepted are still sent; new ones are refused. */
    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        packer.join(settings.publishTimeout().toMillis());
    }
}
