package dev.postdate.ingest;

import software.amazon.awssdk.services.sqs.model.Message;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Messages this consumer received and has neither deleted nor handed back: the visibility heartbeat
 * keeps them hidden for as long as they wait in the buffer or for a slow or retried insert.
 */
final class HeldMessages {

    private final ConcurrentHashMap<String, Message> held = new ConcurrentHashMap<>();

    void add(Message message) {
        held.put(message.messageId(), message);
    }

    void remove(Collection<Message> messages) {
        messages.forEach(message -> held.remove(message.messageId(), message));
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    List<Message> snapshot() {
        return List.copyOf(held.values());
    }
}
