package dev.postdate.api.intake;

import dev.postdate.api.ApiMetrics;
import dev.postdate.api.ApiSettings;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.intake.OversizedEmailsException;
import dev.postdate.core.intake.IntakeUnavailableException;
import dev.postdate.core.intake.IntakePublisher;
import dev.postdate.core.state.SendGuard;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Accepts valid emails, all or nothing: reserves idempotency keys, records the accepted emails,
 * sends them to the intake queue. Whatever fails after the first Redis write is undone before the
 * client hears of it.
 */
@Singleton
public class EmailIntake {

    private static final Logger LOG = LoggerFactory.getLogger(EmailIntake.class);

    private final IdempotencyKeys idempotency;
    private final AcceptedEmails accepted;
    private final IntakePublisher publisher;
    private final IntakeCoalescer coalescer;
    private final SendGuard sendGuard;
    private final ApiSettings settings;
    private final ApiMetrics metrics;
    private final Clock clock;

    public EmailIntake(IdempotencyKeys idempotency, AcceptedEmails accepted, IntakePublisher publisher,
                       IntakeCoalescer coalescer, SendGuard sendGuard, ApiSettings settings, ApiMetrics metrics,
                       Clock clock) {
        this.idempotency = idempotency;
        this.accepted = accepted;
        this.publisher = publisher;
        this.coalescer = coalescer;
        this.sendGuard = sendGuard;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The id of each email, in order: a new one, or the earlier one for an idempotent replay. */
    public List<String> accept(String tenant, List<ValidEmail> emails) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        List<String> ids = new ArrayList<>(emails.size());
        emails.forEach(e -> ids.add(UUID.randomUUID().toString()));
        boolean[] replayed = new boolean[emails.size()];
        List<Integer> reserved = reserveIdempotencyKeys(tenant, emails, ids, replayed);
        List<ValidEmail> reservedEmails = reserved.stream().map(emails::get).toList();
        List<String> reservedKeys = reservedEmails.stream().map(ValidEmail::idempotencyKey).toList();
        List<ScheduledEmail> toSend = new ArrayList<>(emails.size());
        List<ValidEmail> sources = new ArrayList<>(emails.size());
        for (int i = 0; i < emails.size(); i++) {
            if (!replayed[i]) {
                toSend.add(scheduled(tenant, ids.get(i), emails.get(i), now));
                sources.add(emails.get(i));
            }
        }
        try {
            publish(toSend, sources);
        } catch (RuntimeException e) {
            idempotency.release(tenant, reservedKeys);
            throw e;
        }
        confirm(tenant, reservedEmails, reserved.stream().map(ids::get).toList());
        metrics.accepted(toSend.size());
        return ids;
    }

    /**
     * The emails are on the intake queue whatever happens here, so the request is answered 202 even
     * when Redis fails now; the keys then stay in progress (replays answer 409) until they expire.
     */
    private void confirm(String tenant, List<ValidEmail> emails, List<String> ids) {
        if (emails.isEmpty()) {
            return;
        }
        try {
            idempotency.confirm(tenant, emails, ids);
        } catch (RuntimeException e) {
            LOG.error("Confirming {} idempotency keys after their emails were queued failed: {}",
                    emails.size(), e.getMessage());
        }
    }

    /**
     * Reserves the keys of keyed emails under their new ids; a replay gets its earlier id in
     * {@code ids} and is marked in {@code replayed}. Returns the indexes of the emails whose keys were
     * reserved now.
     */
    private List<Integer> reserveIdempotencyKeys(String tenant, List<ValidEmail> emails, List<String> ids,
                                                boolean[] replayed) {
        List<Integer> keyed = new ArrayList<>();
        for (int i = 0; i < emails.size(); i++) {
            if (emails.get(i).idempotencyKey() != null) {
                keyed.add(i);
            }
        }
        if (keyed.isEmpty()) {
            return List.of();
        }
        List<IdempotencyKeys.Outcome> outcomes = idempotency.reserve(tenant,
                keyed.stream().map(emails::get).toList(), keyed.stream().map(ids::get).toList());
        List<Integer> reserved = new ArrayList<>();
        List<FieldError> conflicts = new ArrayList<>();
        List<FieldError> inProgress = new ArrayList<>();
        for (int k = 0; k < keyed.size(); k++) {
            int i = keyed.get(k);
            ValidEmail email = emails.get(i);
            switch (outcomes.get(k)) {
                case IdempotencyKeys.Reserved r -> reserved.add(i);
                case IdempotencyKeys.Replay replay -> {
                    ids.set(i, replay.id());
                    replayed[i] = true;
                }
                case IdempotencyKeys.Conflict c -> conflicts.add(new FieldError(
                        email.parsed().field("idempotency_key"), "was used before with a different payload"));
                case IdempotencyKeys.InProgress p -> inProgress.add(new FieldError(
                        email.parsed().field("idempotency_key"), "belongs to a request that is still in progress"));
            }
        }
        if (!conflicts.isEmpty() || !inProgress.isEmpty()) {
            idempotency.release(tenant, reserved.stream().map(i -> emails.get(i).idempotencyKey()).toList());
        }
        if (!conflicts.isEmpty()) {
            throw new ProblemException(ProblemType.IDEMPOTENCY_CONFLICT,
                    "Nothing was accepted: an idempotency key was reused with a different payload", conflicts);
        }
        if (!inProgress.isEmpty()) {
            throw new ProblemException(ProblemType.IDEMPOTENCY_IN_PROGRESS, "Nothing was accepted: the request that"
                    + " first used an idempotency key is still in progress; retry after it was answered",
                    inProgress, settings.idempotencyRetryAfter());
        }
        return reserved;
    }

    private void publish(List<ScheduledEmail> emails, List<ValidEmail> sources) {
        if (emails.isEmpty()) {
            return;
        }
        boolean shared = emails.size() < settings.coalesceBelow();
        List<String> bodies;
        try {
            // A small request is packed together with others at send time.
            bodies = shared ? List.of() : publisher.pack(emails);
        } catch (OversizedEmailsException e) {
            throw tooLarge(e, sources);
        }
        accepted.record(emails);
        Timer.Sample sample = Timer.start();
        try {
            if (shared) {
                coalescer.publish(emails);
            } else {
                publisher.send(bodies);
            }
        } catch (OversizedEmailsException e) {
            undoAccepted(emails);
            throw tooLarge(e, sources);
        } catch (IntakeUnavailableException e) {
            LOG.warn("Intake of {} emails failed, undoing it: {}", emails.size(), e.getMessage());
            undoAccepted(emails);
            throw new ProblemException(ProblemType.UNAVAILABLE, "The intake queue is unavailable; nothing was accepted");
        } finally {
            sample.stop(metrics.sqsSend());
        }
    }

    private ProblemException tooLarge(OversizedEmailsException e, List<ValidEmail> sources) {
        return new ProblemException(ProblemType.VALIDATION, "Nothing was accepted: an email is too large",
                e.indexes().stream().map(i -> new FieldError(sources.get(i).parsed().path(),
                        "does not fit one intake message of " + settings.maxPacketBytes() + " bytes after encoding")).toList());
    }

    /**
     * A message SQS did not acknowledge may still have arrived (a timeout is not a refusal), so
     * every email of the request is cancelled in the send guard: if it reaches ClickHouse anyway,
     * no worker will send it.
     */
    private void undoAccepted(List<ScheduledEmail> emails) {
        try {
            accepted.forget(emails);
            for (ScheduledEmail email : emails) {
                sendGuard.cancel(email.tenant(), email.id(), email.sendAt().plus(settings.stateRetention()));
            }
        } catch (RuntimeException e) {
            LOG.error("Undoing a failed intake of {} emails failed: {}", emails.size(), e.getMessage());
        }
    }

    private static ScheduledEmail scheduled(String tenant, String id, ValidEmail email, Instant now) {
        Instant requested = email.requestedSendAt();
        Instant sendAt = requested == null || requested.isBefore(now) ? now : requested.truncatedTo(ChronoUnit.SECONDS);
        return new ScheduledEmail(id, tenant, email.batchId(), sendAt, now, email.content());
    }
}
