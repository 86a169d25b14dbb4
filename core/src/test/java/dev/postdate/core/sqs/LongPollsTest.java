package dev.postdate.core.sqs;

import dev.postdate.core.retry.Backoff;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongPollsTest {

    private final LongPolls polls = new LongPolls("test");

    @Test
    void aPollBringsItsMessagesAndResetsTheBackoff() {
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofMillis(8));
        backoff.afterFailure();
        backoff.afterFailure();
        Message message = Message.builder().messageId("m1").body("b").build();

        List<Message> got = polls.poll(() -> CompletableFuture.completedFuture(List.of(message)), backoff, () -> true);

        assertEquals(List.of(message), got);
        assertEquals(Duration.ofMillis(1), backoff.afterFailure(), "a success starts the backoff over");
    }

    @Test
    void aFailedPollBringsNothingAndAdvancesTheBackoff() {
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofMillis(8));

        List<Message> got = polls.poll(() -> CompletableFuture.failedFuture(new IllegalStateException("queue away")),
                backoff, () -> true);

        assertTrue(got.isEmpty());
        assertEquals(Duration.ofMillis(2), backoff.afterFailure(), "the failure used the first wait");
    }

    @Test
    void aFailureWhileStoppingIsNotWaitedOut() {
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofMillis(8));

        polls.poll(() -> CompletableFuture.failedFuture(new IllegalStateException("cancelled")), backoff, () -> false);

        assertEquals(Duration.ofMillis(1), backoff.afterFailure(), "no wait was taken from the backoff");
    }

    @Test
    void abandonCancelsTheOpenPollAndItsReceiverGoesOn() throws InterruptedException {
        CompletableFuture<List<Message>> open = new CompletableFuture<>();
        CountDownLatch polling = new CountDownLatch(1);
        AtomicReference<List<Message>> got = new AtomicReference<>();
        Thread receiver = Thread.ofVirtual().start(() -> got.set(polls.poll(() -> {
            polling.countDown();
            return open;
        }, new Backoff(Duration.ofMillis(1), Duration.ofMillis(1)), () -> false)));
        assertTrue(polling.await(5, TimeUnit.SECONDS));
        // The receiver registers the poll right after receive() returns it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!open.isCancelled() && System.nanoTime() < deadline) {
            polls.abandon();
            Thread.onSpinWait();
        }

        receiver.join(Duration.ofSeconds(5));
        assertTrue(open.isCancelled());
        assertEquals(List.of(), got.get());
    }
}
