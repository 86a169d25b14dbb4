package dev.postdate.feedback;

import dev.postdate.core.tracking.TrackingEvent;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Handles what one poll of the tracking queue brought (docs/tracking.md): its opens, clicks and
 * unsubscribes recorded at once ({@link TrackingRecorder}), and only then the deletes; handling a
 * message again records nothing twice. Unreadable messages go on to the dead-letter queue.
 */
@Singleton
class TrackingHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TrackingHandler.class);
    private static final Argument<List<TrackingEvent>> EVENTS = Argument.listOf(TrackingEvent.class);
    private static final Set<String> KNOWN_TYPES = Set.of(TrackingEvent.OPENED, TrackingEvent.CLICKED,
            TrackingEvent.UNSUBSCRIBED);

    private final ObjectMapper json;
    private final TrackingRecorder recorder;
    private final TrackingQueue queue;
    private final FeedbackSettings settings;
    private final FeedbackMetrics metrics;
    private final HiddenRetries retries;

    TrackingHandler(ObjectMapper json, TrackingRecorder recorder, TrackingQueue queue, FeedbackSettings settings,
                    FeedbackMetrics metrics, AcceptedRecords accepted) {
        this.json = json;
        this.recorder = recorder;
        this.queue = queue;
        this.settings = settings;
        this.metrics = metrics;
        this.retries = new HiddenRetries(queue, settings, accepted);
    }

    void handle(List<Message> messages, BooleanSupplier running) {
        Map<Message, List<TrackingEvent>> parsed = new LinkedHashMap<>();
        for (Message message : messages) {
            try {
                List<TrackingEvent> read = json.readValue(message.body(), EVENTS);
                if (read == null || !read.stream().allMatch(TrackingHandler::complete)) {
                    throw new IOException("not a list of complete tracking events");
                }
                parsed.put(message, read);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Tracking message {} is unreadable ({}); it reaches the dead-letter queue after the queue's"
                        + " maximum receives", message.messageId(), e.getMessage());
                metrics.trackingMessage("malformed");
                retries.retryLater(message, settings.failureBackoff());
            }
        }
        if (!parsed.isEmpty()) {
            retries.recordUntilDone(parsed.keySet(), some -> record(some, parsed), running,
                    () -> metrics.trackingMessage("failed"));
        }
    }

    /** Every field there and a known type: anything else would fail each try and never reach the dead-letter queue. */
    private static boolean complete(TrackingEvent e) {
        return e != null && e.id() != null && e.tenant() != null && e.emailId() != null && e.batchId() != null
                && e.recipient() != null && e.topic() != null && e.scope() != null && e.url() != null
                && KNOWN_TYPES.contains(e.type());
    }

    private void record(Collection<Message> messages, Map<Message, List<TrackingEvent>> parsed) {
        recorder.record(messages.stream().flatMap(message -> parsed.get(message).stream()).toList());
        messages.forEach(message -> {
            queue.delete(message);
            metrics.trackingMessage("handled");
        });
    }
}
