package dev.postdate.worker;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoalescerTest {

    /** Answers each request with itself doubled, and remembers the groups it was called with. */
    private static final class Doubler {
        final List<List<Integer>> groups = new ArrayList<>();
        final CountDownLatch firstCallEntered = new CountDownLatch(1);
        final CompletableFuture<Void> releaseFirstCall = new CompletableFuture<>();

        synchronized CompletionStage<List<Integer>> call(List<Integer> group) {
            groups.add(List.copyOf(group));
            if (groups.size() == 1) {
                firstCallEntered.countDown();
                releaseFirstCall.join();
            }
            return CompletableFuture.completedFuture(group.stream().map(i -> i * 2).toList());
        }
    }

    @Test
    void whatIsAskedWhileACallIsOutGoesTogetherInTheNextUpToTheLimit() throws Exception {
        Doubler doubler = new Doubler();
        try (Coalescer<Integer, Integer> coalescer = new Coalescer<>("test", 3, doubler::call)) {
            CompletableFuture<Integer> first = coalescer.submit(1);
            doubler.firstCallEntered.await();
            List<CompletableFuture<Integer>> waiting = new ArrayList<>();
            for (int i = 2; i <= 6; i++) {
                waiting.add(coalescer.submit(i));
            }
            doubler.releaseFirstCall.complete(null);

            assertEquals(2, first.join());
            for (int i = 0; i < waiting.size(); i++) {
                assertEquals((i + 2) * 2, waiting.get(i).join(), "each request gets its own answer");
            }
            assertEquals(List.of(List.of(1), List.of(2, 3, 4), List.of(5, 6)), doubler.groups);
        }
    }

    @Test
    void aFailedCallFailsEveryRequestOfItsGroupAndTheNextGroupIsCalledAgain() throws Exception {
        AtomicBoolean fail = new AtomicBoolean(true);
        try (Coalescer<Integer, Integer> coalescer = new Coalescer<>("test", 10, group -> fail.getAndSet(false)
                ? CompletableFuture.failedFuture(new IllegalStateException("redis away"))
                : CompletableFuture.completedFuture(group))) {
            CompletionException failed = assertThrows(CompletionException.class, () -> coalescer.submit(1).join());
            assertInstanceOf(IllegalStateException.class, failed.getCause());
            assertEquals(2, coalescer.submit(2).join());
        }
    }

    @Test
    void closingAnswersWhatWasAskedBeforeAndRefusesWhatComesAfter() throws Exception {
        Doubler doubler = new Doubler();
        Coalescer<Integer, Integer> coalescer = new Coalescer<>("test", 10, doubler::call);
        CompletableFuture<Integer> first = coalescer.submit(1);
        doubler.firstCallEntered.await();
        CompletableFuture<Integer> queued = coalescer.submit(2);
        Thread closing = Thread.ofVirtual().start(() -> {
            try {
                coalescer.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        doubler.releaseFirstCall.complete(null);
        closing.join();

        assertEquals(2, first.join());
        assertEquals(4, queued.join(), "asked before the close");
        CompletionException refused = assertThrows(CompletionException.class, () -> coalescer.submit(3).join());
        assertTrue(refused.getCause() instanceof IllegalStateException);
    }
}
