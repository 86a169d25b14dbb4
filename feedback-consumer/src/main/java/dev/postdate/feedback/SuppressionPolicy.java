package dev.postdate.feedback;

import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which addresses a recorded notification suppresses for its tenant (docs/tracking.md): a hard bounce
 * or a complaint at once and for good; transient bounces once {@code soft-bounce-limit} of them fell
 * within {@code soft-bounce-window}, for {@code soft-bounce-suppression}. Each suppression names the
 * notification it came from as its source. An entry already in force that lasts at least as long is
 * left as it is: the newest write of an entry wins, so a late soft bounce must not turn a permanent
 * suppression (a hard bounce, a complaint, the tenant's own) into one that expires.
 */
@Singleton
class SuppressionPolicy {

    static final String HARD_BOUNCE = "hard_bounce";
    static final String COMPLAINT = "complaint";
    static final String SOFT_BOUNCES = "soft_bounces";
    private static final Set<String> SOFT_SUBTYPES = Set.of("transient", "undetermined");

    private final FeedbackEventStore events;
    private final SuppressionStore current;
    private final FeedbackSettings settings;
    private final Clock clock;

    SuppressionPolicy(FeedbackEventStore events, SuppressionStore current, FeedbackSettings settings, Clock clock) {
        this.events = events;
        this.current = current;
        this.settings = settings;
        this.clock = clock;
    }

    /** Called once the notification's events are recorded, so that a soft bounce counts itself. */
    List<Suppression> suppressionsAfter(String tenant, ProviderNotification notification) {
        Instant now = clock.instant();
        String source = notification.source();
        List<Suppression> suppressions = new ArrayList<>();
        for (ProviderNotification.Recipient recipient : notification.recipients()) {
            if (Suppression.entryOf(recipient.address()).isEmpty()) {
                continue;
            }
            if (notification.isHardBounce()) {
                suppressions.add(new Suppression(recipient.address(), HARD_BOUNCE, source, now, null));
            } else if (notification.isComplaint()) {
                suppressions.add(new Suppression(recipient.address(), COMPLAINT, source, now, null));
            } else if (notification.isSoftBounce() && events.count(tenant, recipient.address(),
                    SesNotifications.BOUNCED, SOFT_SUBTYPES, now.minus(settings.softBounceWindow()))
                    >= settings.softBounceLimit()) {
                suppressions.add(new Suppression(recipient.address(), SOFT_BOUNCES, source, now,
                        now.plus(settings.softBounceSuppression())));
            }
        }
        return suppressions.stream().filter(s -> !outlasted(tenant, s)).toList();
    }

    private boolean outlasted(String tenant, Suppression wanted) {
        return current.find(tenant, wanted.entry())
                .filter(existing -> existing.expires() == null
                        || wanted.expires() != null && !existing.expires().isBefore(wanted.expires()))
                .isPresent();
    }
}
