package dev.postdate.api.erasure;

import dev.postdate.api.ApiSettings;
import dev.postdate.clickhouse.erasure.RecipientErasure;
import dev.postdate.clickhouse.outcomes.EmailOutcomes;
import dev.postdate.clickhouse.outcomes.OutcomeRow;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.state.SendGuard;
import dev.postdate.core.state.SendGuardState;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Erases a recipient for a tenant (GDPR Art. 17): emails to the address that are not sent yet are
 * cancelled through the send guard first (an erased payload must never be sent, and a worker that
 * finds one empty has nothing to send), then the payloads and event details are erased, then the
 * erasure is recorded in the audit table.
 */
@Singleton
public class RecipientErasures {

    static final String DETAIL = "cancelled: recipient erased";

    /** @param cancelled how many of {@code emails} were still to be sent and are cancelled now */
    public record Erasure(String id, int emails, int cancelled) {
    }

    private final RecipientErasure store;
    private final SendGuard sendGuard;
    private final EmailOutcomes events;
    private final ApiSettings settings;
    private final Clock clock;

    public RecipientErasures(RecipientErasure store, SendGuard sendGuard, EmailOutcomes events, ApiSettings settings,
                             Clock clock) {
        this.store = store;
        this.sendGuard = sendGuard;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
    }

    /** @param address a deliverable address (domain in punycode) */
    public Erasure erase(String tenant, String keyId, String address) {
        Instant now = clock.instant();
        List<RecipientErasure.EmailTo> emails = store.emailsTo(tenant, address);
        List<OutcomeRow> cancels = new ArrayList<>();
        for (RecipientErasure.EmailTo email : emails) {
            if (email.settled()) {
                continue;
            }
            // Never a guard that expires at once: an email overdue for longer than the retention may still be ranged.
            Instant sendAtPlusRetention = email.sendAt().plus(settings.stateRetention());
            Instant expireAt = sendAtPlusRetention.isAfter(now) ? sendAtPlusRetention : now.plus(settings.stateRetention());
            SendGuardState prior = sendGuard.cancel(tenant, email.id(), expireAt);
            if (prior.kind() == SendGuardState.Kind.NONE) {
                cancels.add(new OutcomeRow(tenant, email.id(), email.batchId(), email.sendAt().getEpochSecond(),
                        email.seq(), EmailStatus.CANCELLED, now, DETAIL));
            }
        }
        events.record(cancels, settings.erasureWriteTimeout());
        store.erase(tenant, address, !emails.isEmpty());
        String id = UUID.randomUUID().toString();
        store.audit(id, tenant, address, now, keyId, emails.size(), cancels.size());
        return new Erasure(id, emails.size(), cancels.size());
    }
}
