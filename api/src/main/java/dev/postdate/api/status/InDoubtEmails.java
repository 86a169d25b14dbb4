package dev.postdate.api.status;

import dev.postdate.api.ApiMetrics;
import dev.postdate.api.ApiSettings;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.clickhouse.status.EmailStatusStore;
import dev.postdate.clickhouse.status.InDoubtStore;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.state.SendGuard;
import dev.postdate.core.state.SendGuardState;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The tenant's in-doubt emails (a send may or may not have reached the provider) and their
 * resolution: {@code sent} records the email as sent and never sends it; {@code resend} allows one
 * more send. Both are a compare-and-set on the send guard (only over its in-doubt sending mark, a
 * pending resend, or a key Redis lost), so racing resolutions cannot allow two sends: a resend is
 * carried out by a single-email range, and of any number of such ranges one claim only takes the
 * guard's {@code resend} state over.
 */
@Singleton
public class InDoubtEmails {

    private static final Logger LOG = LoggerFactory.getLogger(InDoubtEmails.class);
    private static final String SENT_DETAIL = "resolved as sent through the api";

    /** A page and the cursor of the next one (null after the last). */
    public record Page(List<InDoubtStore.InDoubtEmail> emails, String nextCursor) {
    }

    public enum Resolution { SENT, RESEND }

    private final EmailViews views;
    private final InDoubtStore inDoubt;
    private final EmailStatusStore store;
    private final SendGuard guard;
    private final ResendRanges ranges;
    private final ApiSettings settings;
    private final ApiMetrics metrics;
    private final Clock clock;

    InDoubtEmails(EmailViews views, InDoubtStore inDoubt, EmailStatusStore store, SendGuard guard, ResendRanges ranges,
                  ApiSettings settings, ApiMetrics metrics, Clock clock) {
        this.views = views;
        this.inDoubt = inDoubt;
        this.store = store;
        this.guard = guard;
        this.ranges = ranges;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** @param cursor null or empty for the first page; otherwise a {@link Page#nextCursor()} */
    public Page page(String tenant, String cursor, int limit) {
        String after = cursor == null || cursor.isEmpty() ? "" : decode(cursor);
        List<InDoubtStore.InDoubtEmail> emails = inDoubt.page(tenant, after, limit);
        String next = emails.size() == limit
                ? Base64.getUrlEncoder().withoutPadding().encodeToString(
                        emails.getLast().id().getBytes(StandardCharsets.US_ASCII))
                : null;
        return new Page(emails, next);
    }

    /** @throws ProblemException 404 unknown, 409 when the email is not (or no longer) in doubt */
    public void resolve(String tenant, String id, Resolution resolution) {
        EmailView view = views.view(tenant, id);
        EmailStatus recorded = view.events().stream().map(EmailEvent::state)
                .reduce(EmailStatus.SCHEDULED, EmailStatus::max);
        if (recorded != EmailStatus.IN_DOUBT) {
            throw new ProblemException(ProblemType.CONFLICT, "The email is " + view.state().wireName()
                    + ", not in doubt");
        }
        Instant now = clock.instant();
        Instant expireAt = view.email().sendAt().plus(settings.stateRetention());
        SendGuardState prior = guard.resolveInDoubt(tenant, id, resolution == Resolution.SENT, now, expireAt);
        boolean resolvedSentBefore = prior.kind() == SendGuardState.Kind.SENT
                && SendGuard.RESOLVED_SENT.equals(prior.providerId());
        boolean took = prior.kind() == SendGuardState.Kind.NONE || prior.kind() == SendGuardState.Kind.SENDING
                || prior.kind() == SendGuardState.Kind.RESEND;
        if (!took && !(resolution == Resolution.SENT && resolvedSentBefore)) {
            throw new ProblemException(ProblemType.CONFLICT, "The email is " + describe(prior)
                    + " and cannot be resolved now");
        }
        if (resolution == Resolution.SENT) {
            // Durable before the answer: a pass that finds it sent in ClickHouse never sends it.
            store.record(tenant, id, view.email().batchId(), view.email().sendAt(), seq(tenant, id),
                    new EmailEvent(EmailStatus.SENT, now, SENT_DETAIL));
        } else {
            try {
                ranges.publish(id, view.email().sendAt(), seq(tenant, id), now);
            } catch (RuntimeException e) {
                LOG.warn("Publishing the resend range of email {} failed: {}", id, e.toString());
                throw new ProblemException(ProblemType.UNAVAILABLE,
                        "The resend could not be queued; repeating the request is safe");
            }
        }
        metrics.inDoubtResolved(resolution.name().toLowerCase(Locale.ROOT));
    }

    private long seq(String tenant, String id) {
        return store.seq(tenant, id).orElseThrow(() -> new ProblemException(ProblemType.UNAVAILABLE,
                "The email is not readable yet; try again"));
    }

    private static String describe(SendGuardState state) {
        return switch (state.kind()) {
            case SENT -> "sent";
            case CANCELLED -> "cancelled";
            default -> "being sent";
        };
    }

    private static String decode(String cursor) {
        try {
            String id = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (UUID.fromString(id).toString().equals(id)) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // Reported below, like any other cursor this api did not hand out.
        }
        throw new ProblemException(ProblemType.VALIDATION, "Invalid cursor",
                List.of(new FieldError("cursor", "must be a cursor this api returned")));
    }
}
