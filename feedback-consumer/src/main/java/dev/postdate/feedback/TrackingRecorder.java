package dev.postdate.feedback;

import dev.postdate.clickhouse.contacts.ContactStore;
import dev.postdate.clickhouse.feedback.FeedbackEvent;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import dev.postdate.core.tracking.TrackingEvent;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Records tracking events, wherever they came from (the tracking queue, the unsubscribe mailbox): one
 * insert into {@code feedback_events}, then each unsubscribe's effect. Recording the same events again
 * changes nothing: events fold by their id, a consent already withdrawn and a suppression already in
 * force are not written again. Throws when ClickHouse does not take them; the caller keeps its copy.
 */
@Singleton
class TrackingRecorder {

    private final FeedbackEventStore events;
    private final SuppressionStore suppressions;
    private final ContactStore contacts;
    private final FeedbackMetrics metrics;
    private final Clock clock;
    private final AcceptedRecords accepted;

    TrackingRecorder(FeedbackEventStore events, SuppressionStore suppressions, ContactStore contacts,
                     FeedbackMetrics metrics, Clock clock, AcceptedRecords accepted) {
        this.events = events;
        this.suppressions = suppressions;
        this.contacts = contacts;
        this.metrics = metrics;
        this.clock = clock;
        this.accepted = accepted;
    }

    void record(List<TrackingEvent> all) {
        Instant received = clock.instant();
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
        if (!rows.isEmpty()) {
            accepted.accepted();
        }
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
