package dev.postdate.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Requests of many threads answered by one call per group: while a call is out, the requests that
 * arrive wait and go together in the next one. A group grows with the load, up to {@code maxGroup},
 * and a lone request waits for nothing but its own call. One call at a time.
 *
 * @param <T> a request
 * @param <R> its answer; the call answers a group's requests in their order
 */
final class Coalescer<T, R> implements AutoCloseable {

    private record Pending<T, R>(T request, CompletableFuture<R> answer) { }

    private final String name;
    private final int maxGroup;
    private final Function<List<T>, CompletionStage<List<R>>> call;
    private final LinkedBlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
    private final Thread caller;
    private volatile boolean open = true;

    Coalescer(String name, int maxGroup, Function<List<T>, CompletionStage<List<R>>> call) {
        this.name = name;
        this.maxGroup = maxGroup;
        this.call = call;
        this.caller = Thread.ofVirtual().name(name).start(this::callLoop);
    }

    CompletableFuture<R> submit(T request) {
        Pending<T, R> pending = new Pending<>(request, new CompletableFuture<>());
        queue.add(pending);
        // Closed meanwhile: the caller may have answered its last group already.
        if (!open && queue.remove(pending)) {
            pending.answer.completeExceptionally(new IllegalStateException(name + " is closed"));
        }
        return pending.answer;
    }

    private void callLoop() {
        List<Pending<T, R>> group = new ArrayList<>(maxGroup);
        while (open) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(group, maxGroup - 1);
            answer(group);
            group.clear();
        }
        // Closing: what was asked before still gets its call.
        while (queue.drainTo(group, maxGroup) > 0) {
            answer(group);
            group.clear();
        }
    }

    private void answer(List<Pending<T, R>> group) {
        List<T> requests = new ArrayList<>(group.size());
        for (Pending<T, R> pending : group) {
            requests.add(pending.request);
        }
        List<R> answers;
        try {
            answers = call.apply(requests).toCompletableFuture().join();
        } catch (RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            for (Pending<T, R> pending : group) {
                pending.answer.completeExceptionally(cause);
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).answer.complete(answers.get(i));
        }
    }

    @Override
    public void close() throws InterruptedException {
        open = false;
        caller.interrupt();
        caller.join();
    }
}
