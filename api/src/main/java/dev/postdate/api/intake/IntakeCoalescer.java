package dev.postdate.api.intake;

import dev.postdate.api.ApiSettings;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.intake.OversizedEmailsException;
import dev.postdate.core.intake.IntakeUnavailableException;
import dev.postdate.core.intake.IntakePublisher;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends the emails of many small concurrent requests in shared intake messages. Without it every
 * single-email request costs one SQS call, and the SQS call rate, not the api, bounds intake. Each
 * request still hears back only once SQS acknowledged the message holding its emails; a failed
 * send fails every request in it, and each undoes its own work.
 */
@Singleton
public class IntakeCoalescer {

    private record Pending(List<ScheduledEmail> emails, CompletableFuture<Void> done) {
    }

    private final IntakePublisher publisher;
    private final long lingerNanos;
    private final int maxEmails;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread dispatcher;
    private volatile boolean stopped;

    public IntakeCoalescer(IntakePublisher publisher, ApiSettings settings) {
        this.publisher = publisher;
        this.lingerNanos = settings.coalesceLinger().toNanos();
        this.maxEmails = settings.coalesceMaxEmails();
        this.dispatcher = Thread.ofVirtual().name("intake-coalescer").start(this::dispatch);
    }

    /**
     * Returns once SQS acknowledged the emails.
     *
     * @throws IntakeUnavailableException when the shared send failed
     * @throws OversizedEmailsException   when one of these emails does not fit a message alone
     */
    public void publish(List<ScheduledEmail> emails) {
        Pending pending = new Pending(emails, new CompletableFuture<>());
        queue.add(pending);
        if (stopped) {
            refuseQueued();
        }
        try {
            pending.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void dispatch() {
        List<Pending> group = new ArrayList<>();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Pending first = queue.take();
                group.add(first);
                int emails = first.emails().size();
                long deadline = System.nanoTime() + lingerNanos;
                while (emails < maxEmails) {
                    Pending next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    group.add(next);
                    emails += next.emails().size();
                }
                List<Pending> full = group;
                group = new ArrayList<>();
                Thread.ofVirtual().name("intake-send").start(() -> send(full));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refuse(group);
        }
    }

    private void send(List<Pending> group) {
        List<ScheduledEmail> all = new ArrayList<>();
        group.forEach(pending -> all.addAll(pending.emails()));
        List<String> bodies;
        try {
            bodies = publisher.pack(all);
        } catch (RuntimeException e) {
            // One request's email is too large or cannot be encoded: the others must not fail with it,
            // and every request must hear back, or it waits forever.
            group.forEach(pending -> Thread.ofVirtual().start(() -> sendAlone(pending)));
            return;
        }
        try {
            publisher.send(bodies);
            group.forEach(pending -> pending.done().complete(null));
        } catch (RuntimeException e) {
            group.forEach(pending -> pending.done().completeExceptionally(e));
        }
    }

    private void sendAlone(Pending pending) {
        try {
            publisher.send(publisher.pack(pending.emails()));
            pending.done().complete(null);
        } catch (RuntimeException e) {
            pending.done().completeExceptionally(e);
        }
    }

    /**
     * Runs after the HTTP server's graceful shutdown: a request still waiting here outlived the grace
     * period. It is answered 503 (nothing of it was sent) rather than left hanging; groups already
     * being sent still hear back from SQS.
     */
    @PreDestroy
    void stop() throws InterruptedException {
        stopped = true;
        dispatcher.interrupt();
        dispatcher.join();
        refuseQueued();
    }

    private void refuseQueued() {
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        refuse(left);
    }

    private static void refuse(List<Pending> pending) {
        IntakeUnavailableException stopping = new IntakeUnavailableException("The api is shutting down", null);
        pending.forEach(p -> p.done().completeExceptionally(stopping));
    }
}
