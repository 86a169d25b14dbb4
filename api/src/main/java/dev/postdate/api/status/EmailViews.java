package dev.postdate.api.status;

import dev.postdate.api.intake.AcceptedEmails;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.status.BatchStatusStore;
import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.clickhouse.status.EmailStatusStore;
import dev.postdate.clickhouse.status.StoredEmail;
import dev.postdate.core.state.BatchControl;
import dev.postdate.core.state.BatchControls;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.state.SendGuard;
import dev.postdate.core.state.SendGuardState;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.UUID;

/**
 * Assembles an email's state from every source: the accepted record (before ingestion) or
 * ClickHouse, the recorded events, the send guard and the batch control in Redis (ahead of
 * ClickHouse at send time), and a batch cancel recorded in ClickHouse (which Redis may have lost).
 */
@Singleton
public class EmailViews {

    private final AcceptedEmails accepted;
    private final EmailStatusStore store;
    private final SendGuard sendGuard;
    private final BatchControls batchControls;
    private final BatchStatusStore batchStore;

    public EmailViews(AcceptedEmails accepted, EmailStatusStore store, SendGuard sendGuard, BatchControls batchControls,
                      BatchStatusStore batchStore) {
        this.accepted = accepted;
        this.store = store;
        this.sendGuard = sendGuard;
        this.batchControls = batchControls;
        this.batchStore = batchStore;
    }

    /** @throws ProblemException 404 when the tenant has no such email (another tenant's id included) */
    public EmailView view(String tenant, String id) {
        StoredEmail email = find(tenant, id);
        List<EmailEvent> events = store.events(tenant, id);
        EmailStatus state = EmailStatus.SCHEDULED;
        for (EmailEvent event : events) {
            state = state.max(event.state());
        }
        SendGuardState guard = sendGuard.current(tenant, id);
        if (guard.kind() == SendGuardState.Kind.CANCELLED) {
            state = state.max(EmailStatus.CANCELLED);
        } else if (guard.kind() == SendGuardState.Kind.SENT) {
            state = EmailStatus.SENT;
        }
        if (state.isPending() && !email.batchId().isEmpty()
                && (batchControls.current(tenant, email.batchId()) == BatchControl.CANCELLED
                || batchStore.isCancelled(tenant, email.batchId()))) {
            state = EmailStatus.CANCELLED;
        }
        return new EmailView(email, events, state);
    }

    private StoredEmail find(String tenant, String id) {
        if (!isUuid(id)) {
            throw notFound();
        }
        return accepted.find(tenant, id).or(() -> store.find(tenant, id)).orElseThrow(EmailViews::notFound);
    }

    private static boolean isUuid(String id) {
        try {
            return UUID.fromString(id).toString().equals(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static ProblemException notFound() {
        return new ProblemException(ProblemType.NOT_FOUND, "No such email");
    }
}
