package dev.postdate.core.sqs;

import dev.postdate.core.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The long polls a consumer has open on one queue. A stopping consumer must know them: it either
 * abandons them or lets them end before it hands messages back, or its own polls would receive those
 * messages again (docs/reliability.md).
 */
public final class LongPolls {

    private static final Logger LOG = LoggerFactory.getLogger(LongPolls.class);

    private final String queueName;
    private final Set<CompletableFuture<List<Message>>> open = ConcurrentHashMap.newKeySet();

    /** @param queueName for the log, e.g. "intake" */
    public LongPolls(String queueName) {
        this.queueName = queueName;
    }

    /**
     * One poll, tracked while it is open. A failed poll brings nothing: it is logged and, while
     * {@code receiving}, waited out with the caller's backoff (one per receive loop).
     */
    public List<Message> poll(Supplier<CompletableFuture<List<Message>>> receive, Backoff backoff,
                              BooleanSupplier receiving) {
        CompletableFuture<List<Message>> poll = receive.get();
        open.add(poll);
        try {
            List<Message> messages = poll.join();
            backoff.reset();
            return messages;
        } catch (RuntimeException e) {
            if (receiving.getAsBoolean()) {
                Duration wait = backoff.afterFailure();
                LOG.warn("Receiving from the {} queue failed (trying again in {} ms): {}", queueName,
                        wait.toMillis(), e.getMessage());
                pause(wait);
            }
            return List.of();
        } finally {
            open.remove(poll);
        }
    }

    /** Cancels every open poll: what one had already received stays hidden for its visibility timeout. */
    public void abandon() {
        open.forEach(poll -> poll.cancel(true));
    }

    private static void pause(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
