package dev.postdate.worker;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * How a worker consumes ranges and sends. Defaults are in application.yml; docs/worker.md explains
 * each value.
 *
 * @param enabled             whether this process receives ranges at all
 * @param instanceId          names this process in send-guard claims; unique per process, no ':'
 * @param concurrency         ranges worked at once
 * @param sendParallelism     provider calls of one range at once
 * @param markAhead           emails of one range on their way to a call beyond those, their send marks
 *                            being stored (virtual threads)
 * @param sendMarkInterval    at most one insert of send marks per this interval (group commit)
 * @param sender              ses, smtp or blackhole
 * @param inDoubtPolicy       skip (default) or resend
 * @param resendAfter         with {@code resend}: only sending marks older than this are taken over
 * @param claimTimeout        a claim (not yet sending) older than this belongs to a worker that is gone:
 *                            another pass takes it over and sends
 * @param receiveWait         SQS long-poll wait
 * @param visibilityTimeout   how long a received range stays hidden; extended by the heartbeat
 * @param visibilityHeartbeat how often
 * @param stopGrace           on shutdown, how long in-flight emails may take before the range is given back
 * @param shortReadBackoff    a range that reads fewer emails than expected comes back after this, doubled
 *                            with each further receive up to {@code failureMaxBackoff}
 * @param pausedBackoff       a range holding emails of a paused batch is re-queued with this delay (max 15 min)
 * @param failureBackoff      a range whose processing failed comes back after this, doubled with each
 *                            further receive
 * @param failureMaxBackoff   up to this
 * @param maxAttempts         send attempts per email for transient errors
 * @param retryInitialBackoff first wait after a transient error or a throttle
 * @param retryMaxBackoff     longest wait between attempts
 * @param throttleMaxWait     how long an email may keep being throttled before its range is given back
 * @param unreachableMaxWait  how long an email may keep finding the provider unreachable before its range is given back
 * @param batchControlCache   how long a batch's pause/cancel state read from Redis is reused within a range
 * @param rangeDoneTtl        how long a completed range id is remembered (re-emitted ranges are dropped)
 * @param stateRetention      send-guard lifetime after send_at (as the api's)
 * @param messageIdDomain     right-hand side of generated Message-IDs
 * @param flushTimeout        bound of one outcome insert
 * @param outcomeFlushInterval outcomes are written to ClickHouse at least this often during a pass
 * @param outcomeFlushRows    or as soon as this many wait
 * @param recordQueued        write a {@code queued} event per email when a range is first received
 * @param checkRecipients     check suppressions, contact status and consent right before sending
 *                            (docs/contacts.md); off only to measure what the check costs
 */
@ConfigurationProperties("postdate.worker")
public record WorkerSettings(
        boolean enabled,
        @NotBlank String instanceId,
        @Min(1) int concurrency,
        @Min(1) int sendParallelism,
        @Min(0) int markAhead,
        @NotNull Duration sendMarkInterval,
        @NotBlank String sender,
        @NotNull InDoubtPolicy inDoubtPolicy,
        @NotNull Duration resendAfter,
        @NotNull Duration claimTimeout,
        @NotNull Duration receiveWait,
        @NotNull Duration visibilityTimeout,
        @NotNull Duration visibilityHeartbeat,
        @NotNull Duration stopGrace,
        @NotNull Duration shortReadBackoff,
        @NotNull Duration pausedBackoff,
        @NotNull Duration failureBackoff,
        @NotNull Duration failureMaxBackoff,
        @Min(1) int maxAttempts,
        @NotNull Duration retryInitialBackoff,
        @NotNull Duration retryMaxBackoff,
        @NotNull Duration throttleMaxWait,
        @NotNull Duration unreachableMaxWait,
        @NotNull Duration batchControlCache,
        @NotNull Duration rangeDoneTtl,
        @NotNull Duration stateRetention,
        @NotBlank String messageIdDomain,
        @NotNull Duration flushTimeout,
        @NotNull Duration outcomeFlushInterval,
        @Min(1) int outcomeFlushRows,
        boolean recordQueued,
        boolean checkRecipients) {

    public enum InDoubtPolicy { SKIP, RESEND }

    /** The longest hand-back, well inside SQS's 12 hours from a receive even after a long pass. */
    private static final Duration MAX_HAND_BACK = Duration.ofHours(1);

    public WorkerSettings {
        if (instanceId.indexOf(':') >= 0) {
            throw new IllegalArgumentException("postdate.worker.instance-id must not contain ':'");
        }
        if (visibilityHeartbeat.compareTo(visibilityTimeout) >= 0) {
            throw new IllegalArgumentException("postdate.worker.visibility-heartbeat must be shorter than visibility-timeout");
        }
        if (claimTimeout.compareTo(stopGrace) <= 0) {
            throw new IllegalArgumentException("postdate.worker.claim-timeout must be longer than stop-grace: "
                    + "a claim that old must belong to a worker that is gone");
        }
        for (Duration first : new Duration[] {failureBackoff, shortReadBackoff}) {
            if (first.isZero() || first.isNegative() || failureMaxBackoff.compareTo(first) < 0) {
                throw new IllegalArgumentException("postdate.worker.failure-backoff and short-read-backoff must be "
                        + "positive and at most failure-max-backoff");
            }
        }
        if (failureMaxBackoff.compareTo(MAX_HAND_BACK) > 0) {
            throw new IllegalArgumentException("postdate.worker.failure-max-backoff must be at most " + MAX_HAND_BACK
                    + ": SQS keeps a received message hidden for at most 12 hours from its receive");
        }
        if (pausedBackoff.toSeconds() > 900) {
            throw new IllegalArgumentException("postdate.worker.paused-backoff is an SQS delay: at most 15 minutes");
        }
    }
}
