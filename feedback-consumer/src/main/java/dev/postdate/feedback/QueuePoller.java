package dev.postdate.feedback;

import dev.postdate.clickhouse.migrations.SchemaOnStart;
import dev.postdate.core.retry.Backoff;
import dev.postdate.core.sqs.LongPolls;
import dev.postdate.core.sqs.MessageQueue;
import dev.postdate.core.sqs.PollingSlots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Long-polls one queue with {@code concurrency} slots (virtual threads), each handing what it receives
 * to its handler before it polls again; the feedback and the tracking queue each have one.
 */
final class QueuePoller {

    private static final Logger LOG = LoggerFactory.getLogger(QueuePoller.class);

    /** SQS's most per receive: one lookup and one insert for up to this many messages. */
    private static final int MAX_PER_POLL = 10;

    interface Handler {
        void handle(List<Message> messages, BooleanSupplier running);
    }

    private final String name;
    private final MessageQueue queue;
    private final Handler handler;
    private final FeedbackSettings settings;
    private final SchemaOnStart schema;
    private final LongPolls polls;
    private volatile PollingSlots slots;
    private volatile boolean receiving;

    QueuePoller(String name, MessageQueue queue, Handler handler, FeedbackSettings settings, SchemaOnStart schema) {
        this.name = name;
        this.queue = queue;
        this.handler = handler;
        this.settings = settings;
        this.schema = schema;
        this.polls = new LongPolls(name);
    }

    void start(int concurrency) {
        receiving = true;
        slots = PollingSlots.start(name + "-slot", concurrency, this::slotLoop);
    }

    /**
     * Stops polling. Open polls end by themselves within {@code receive-wait} (at most {@code stop-grace})
     * and what they bring is still handled: a poll abandoned early could be handed messages that would
     * then stay hidden for their visibility timeout. Whatever is left when the grace is over stays on
     * the queue, to be handled again.
     */
    void stop() throws InterruptedException {
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
                LOG.warn("{} slot failed (polling again in {} ms): {}", name, wait.toMillis(), e.getMessage());
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }
}
