package dev.postdate.api.status;

import dev.postdate.api.ApiSettings;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.clickhouse.status.EmailStatusStore;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.state.SendGuard;
import dev.postdate.core.state.SendGuardState;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * Cancels one email: first through the send guard in Redis, the only place a cancel and a worker's
 * claim meet (whichever comes first wins), then durably in ClickHouse, which a worker consults
 * before its guard: the 200 comes only once the cancel is there, so losing Redis afterwards does not
 * lose the cancel. ClickHouse second, because a cancel recorded there before Redis refused it (409,
 * the email was claimed) would be a false, durable {@code cancelled}. docs/worker.md has the argument.
 */
@Singleton
public class EmailCancellation {

    private static final String DETAIL = "cancelled through the api";

    private final EmailViews views;
    private final SendGuard sendGuard;
    private final EmailStatusStore store;
    private final ApiSettings settings;
    private final Clock clock;

    public EmailCancellation(EmailViews views, SendGuard sendGuard, EmailStatusStore store,
                             ApiSettings settings, Clock clock) {
        this.views = views;
        this.sendGuard = sendGuard;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    /** @throws ProblemException 404 unknown, 409 when a worker claimed or sent it */
    public void cancel(String tenant, String id) {
        EmailView view = views.view(tenant, id);
        if (!view.state().isPending() && view.state() != EmailStatus.CANCELLED) {
            throw conflict(view.state().wireName());
        }
        SendGuardState prior = sendGuard.cancel(tenant, id, view.email().sendAt().plus(settings.stateRetention()));
        if (!prior.allowsCancel()) {
            throw conflict(prior.kind() == SendGuardState.Kind.SENT ? "sent" : "being sent");
        }
        // A cancel whose ClickHouse write failed earlier (the client got a 503) is written by its repetition.
        if (view.events().stream().noneMatch(event -> event.state() == EmailStatus.CANCELLED)) {
            store.record(tenant, id, view.email().batchId(), view.email().sendAt(), store.seq(tenant, id).orElse(0L),
                    new EmailEvent(EmailStatus.CANCELLED, clock.instant(), DETAIL));
        }
    }

    private static ProblemException conflict(String state) {
        return new ProblemException(ProblemType.CONFLICT, "The email is already " + state + " and cannot be cancelled");
    }
}
