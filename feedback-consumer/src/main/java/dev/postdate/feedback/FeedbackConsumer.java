package dev.postdate.feedback;

import dev.postdate.clickhouse.migrations.SchemaOnStart;
import dev.postdate.core.retry.Backoff;
import dev.postdate.core.sqs.LongPolls;
import dev.postdate.core.sqs.PollingSlots;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.List;

/**
 * Long-polls the feedback queue with {@code concurrency} slots (virtual threads), each handing what it
 * receives to the {@link FeedbackHandler} before it polls again.
 */
@Singleton
public class FeedbackConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(FeedbackConsumer.class);

    /** SQS's most per receive: one lookup and one insert for up to this many notifications. */
    private static final int MAX_PER_POLL = 10;

    private final FeedbackQueue queue;
    private final FeedbackHandler handler;
    private final FeedbackSettings settings;
    private final SchemaOnStart schema;
    private final LongPolls polls = new LongPolls("feedback");
    private volatile PollingSlots slots;
    private volatile boolean receiving;

    public FeedbackConsumer(FeedbackQueue queue, FeedbackHandler handler, FeedbackSettings settings, SchemaOnStart schema) {
        this.queue = queue;
        this.handler = handler;
        this.settings = settings;
        this.schema = schema;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        receiving = true;
        slots = PollingSlots.start("feedback-slot", settings.concurrency(), this::slotLoop);
        LOG.info("Consuming provider feedback from {}, {} polls at once", settings.queue(), settings.concurrency());
    }

    /**
     * Stops polling. Open polls end by themselves within {@code receive-wait} (at most {@code stop-grace})
     * and what they bring is still handled: a poll abandoned early could be handed notifications that
     * would then stay hidden for their visibility timeout. Whatever is left when the grace is over stays
     * on the queue, to be handled again.
     */
    @EventListener
    void onShutdown(ShutdownEvent event) throws InterruptedException {
        receiving = false;
        if (slots != null) {
            slots.stop(System.nanoTime() + settings.stopGrace().toNanos(), polls, settings.stopGrace());
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
            try {
                List<Message> messages = polls.poll(() -> queue.receive(MAX_PER_POLL), backoff, () -> receiving);
                if (!messages.isEmpty()) {
                    handler.handle(messages, () -> receiving);
                }
            } catch (RuntimeException e) {
                // A slot that died here would never poll again while /health stays UP; what it held
                // reappears after its visibility timeout.
                Duration wait = backoff.afterFailure();
                LOG.warn("Feedback slot failed (polling again in {} ms): {}", wait.toMillis(), e.getMessage());
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }
}
