package dev.postdate.feedback;

import dev.postdate.clickhouse.contacts.ContactStore;
import dev.postdate.clickhouse.feedback.FeedbackEvent;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import dev.postdate.core.tracking.TrackingEvent;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Records what one poll of the tracking queue brought (docs/tracking.md): one insert of its opens,
 * clicks and unsubscribes into {@code feedback_events}, then each unsubscribe's effect, and only then
 * the deletes. Handling a message again records nothing twice: events fold by their id, a consent
 * already withdrawn and a suppression already in force are not written again.
 */
@Singleton
class TrackingHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TrackingHandler.class);
    private static final Argument<List<TrackingEvent>> EVENTS = Argument.listOf(TrackingEvent.class);
    private static final Set<String> KNOWN_TYPES = Set.of(TrackingEvent.OPENED, TrackingEvent.CLICKED,
            TrackingEvent.UNSUBSCRIBED);

    private final ObjectMapper json;
    private final FeedbackEventStore events;
    private final SuppressionStore suppressions;
    private final ContactStore contacts;
    private final TrackingQueue queue;
    private final FeedbackSettings settings;
    private final FeedbackMetrics metrics;
    private final Clock clock;
    private final HiddenRetries retries;

    TrackingHandler(ObjectMapper json, FeedbackEventStore events, SuppressionStore suppressions, ContactStore contacts,
                    TrackingQueue queue, FeedbackSettings settings, FeedbackMetrics metrics, Clock clock) {
        this.json = json;
        this.events = events;
        this.suppressions = suppressions;
        this.contacts = contacts;
        this.queue = queue;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.retries = new HiddenRetries(queue, settings);
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
        if (!parsed.isEmpty() && retries.recordUntilDone(parsed.keySet(), () -> record(parsed), running,
                () -> metrics.trackingMessage("failed"))) {
            parsed.keySet().forEach(message -> {
                queue.delete(message);
                metrics.trackingMessage("handled");
            });
        }
    }

    /** Every field there and a known type: anything else would fail each try and never reach the dead-letter queue. */
    private static boolean complete(TrackingEvent e) {
        return e != null && e.id() != null && e.tenant() != null && e.emailId() != null && e.batchId() != null
                && e.recipient() != null && e.topic() != null && e.scope() != null && e.url() != null
                && KNOWN_TYPES.contains(e.type());
    }

    private void record(Map<Message, List<TrackingEvent>> parsed) {
        Instant received = clock.instant();
        List<TrackingEvent> all = parsed.values().stream().flatMap(List::stream).toList();
        List<FeedbackEvent> rows = new ArrayList<>(all.size());
        for (TrackingEvent e : all) {
            String subtype = switch (e.type()) {
                case TrackingEvent.CLICKED -> Integer.toString(e.link());
                case TrackingEvent.UNSUBSCRIBED -> e.scope().equals(TrackingEvent.SCOPE_ALL) ? "all" : "topic:" + e.topic();
                default -> "";
            };
            rows.add(new FeedbackEvent(e.tenant(), e.recipient(), e.type(), e.id(), e.emailId(), e.batchId(), "",
                    subtype, e.url(), Instant.ofEpochMilli(e.atMs()), received));
        }
        events.record(rows);
        for (TrackingEvent e : all) {
            if (e.type().equals(TrackingEvent.UNSUBSCRIBED)) {
                unsubscribe(e);
            }
            metrics.events(e.type(), 1);
        }
    }

    /** A topic's consent withdrawn on the address's contacts, or the address suppressed for the tenant. */
    private void unsubscribe(TrackingEvent e) {
        Instant at = Instant.ofEpochMilli(e.atMs());
        String source = "unsubscribe:" + e.id();
        if (e.scope().equals(TrackingEvent.SCOPE_TOPIC) && !e.topic().isEmpty()) {
            int changed = contacts.withdrawConsent(e.tenant(), e.recipient(), e.topic(), at, source);
            if (changed > 0) {
                metrics.unsubscribed("topic");
            }
            return;
        }
        Optional<String> entry = Suppression.entryOf(e.recipient());
        if (entry.isEmpty()) {
            return;
        }
        Optional<Suppression> current = suppressions.find(e.tenant(), entry.get());
        if (current.isPresent() && current.get().expires() == null) {
            return;
        }
        suppressions.add(e.tenant(), List.of(new Suppression(entry.get(), TrackingEvent.UNSUBSCRIBED, source, at, null)));
        metrics.suppressed(TrackingEvent.UNSUBSCRIBED);
        metrics.unsubscribed("all");
    }
}
