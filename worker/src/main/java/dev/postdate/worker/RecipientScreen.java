package dev.postdate.worker;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.postdate.clickhouse.outcomes.RangeEmail;
import dev.postdate.clickhouse.recipients.Recipient;
import dev.postdate.clickhouse.recipients.RecipientChecks;
import dev.postdate.core.email.Address;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.ObjectMapper;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The send-time check of a range's emails, asked once per pass: which emails go to a recipient that
 * is suppressed, not active or without the consent the email's topic needs ({@link RecipientChecks}).
 * Read when the pass begins, so a change made during a pass counts from the range's next pass.
 */
@Singleton
class RecipientScreen {

    /** The part of an email's content the check needs; the rest of the payload is skipped. */
    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RecipientFields(Address to, @Nullable String topic) { }

    private final RecipientChecks checks;
    private final ObjectMapper json;
    private final WorkerSettings settings;
    private final Clock clock;

    RecipientScreen(RecipientChecks checks, ObjectMapper json, WorkerSettings settings, Clock clock) {
        this.checks = checks;
        this.json = json;
        this.settings = settings;
        this.clock = clock;
    }

    /** The blocked emails' ids, each with its reason. An unreadable payload is left to the send flow. */
    Map<String, String> blocked(List<RangeEmail> emails) {
        Map<String, String> blocked = new HashMap<>();
        if (!settings.checkRecipients()) {
            return blocked;
        }
        Map<String, Recipient> recipientOf = new HashMap<>();
        for (RangeEmail email : emails) {
            if (email.payload().length == 0) {
                continue;
            }
            try {
                RecipientFields fields = json.readValue(email.payload(), RecipientFields.class);
                if (fields.to() != null && fields.to().email() != null) {
                    recipientOf.put(email.id(), Recipient.of(email.tenant(), fields.to().email(), fields.topic()));
                }
            } catch (IOException | RuntimeException e) {
                // Failed by the send flow, which reads the whole payload.
            }
        }
        Set<Recipient> recipients = new HashSet<>(recipientOf.values());
        Map<Recipient, String> reasons = checks.blocked(recipients, clock.instant());
        recipientOf.forEach((id, recipient) -> {
            String reason = reasons.get(recipient);
            if (reason != null) {
                blocked.put(id, reason);
            }
        });
        return blocked;
    }
}
