package dev.postdate.worker;

import dev.postdate.worker.send.OutgoingEmail;
import dev.postdate.worker.send.SendException;
import dev.postdate.worker.send.Sender;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * With {@code test.record-sends=true}, wraps whatever sender the worker built and records every
 * provider call (email id and the instant it started); a test can also hold sends at a gate.
 */
@Singleton
@Requires(property = "test.record-sends", value = "true")
public class RecordingSenders implements BeanCreatedEventListener<Sender> {

    public record Call(String emailId, String to, long atMillis) { }

    public final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    /** Sends beyond the permits wait (interruptibly) until released. */
    public final Semaphore gate = new Semaphore(Integer.MAX_VALUE);

    @Override
    public Sender onCreated(BeanCreatedEvent<Sender> event) {
        Sender inner = event.getBean();
        return new Sender() {
            @Override
            public String send(OutgoingEmail email) throws SendException {
                try {
                    gate.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SendException(SendException.Kind.AMBIGUOUS, "interrupted while sending", e);
                }
                calls.add(new Call(email.emailId(), email.to().email(), System.currentTimeMillis()));
                return inner.send(email);
            }

            @Override
            public String name() {
                return inner.name();
            }
        };
    }

    public List<String> sentIds() {
        return calls.stream().map(Call::emailId).toList();
    }
}
