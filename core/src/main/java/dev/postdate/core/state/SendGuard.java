package dev.postdate.core.state;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import dev.postdate.core.redis.RedisKeys;
import dev.postdate.core.redis.RedisScript;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * The per-email send guard in Redis, the send-time source of truth: key {@code state:<tenant>:<id>}.
 * The api cancels through it and the worker claims and marks sent through it; each transition is
 * one atomic Redis operation, so a cancel and a claim racing for the same email cannot both win.
 * Every write sets the key to expire at the caller's {@code expireAt} (the email's send time plus a
 * retention), so guards of long-sent email do not accumulate.
 */
@Singleton
public class SendGuard {

    /**
     * Replaces the value ARGV[1] with ARGV[2] only if it is still there; returns the value found.
     * Marking sent (only the claim's holder succeeds) and taking over a stale claim are both this.
     */
    private static final RedisScript REPLACE_IF = new RedisScript("""
            local v = redis.call('GET', KEYS[1])
            if v == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
            end
            return v or ''
            """);

    /** Deletes the key only when it still holds ARGV[1] (this exact claim); returns the value found. */
    private static final RedisScript RELEASE = new RedisScript("""
            local v = redis.call('GET', KEYS[1])
            if v == ARGV[1] then
              redis.call('DEL', KEYS[1])
            end
            return v or ''
            """);

    private final RedisCommands<String, String> redis;
    private final RedisAsyncCommands<String, String> async;
    private final RedisKeys keys;

    public SendGuard(StatefulRedisConnection<String, String> connection, RedisKeys keys) {
        this.redis = connection.sync();
        this.async = connection.async();
        this.keys = keys;
    }

    public String key(String tenant, String id) {
        return keys.of("state", tenant, id);
    }

    public SendGuardState current(String tenant, String id) {
        return SendGuardState.parse(redis.get(key(tenant, id)));
    }

    /**
     * Cancels unless a worker claimed or sent the email. Returns the state found before: the cancel
     * took effect iff {@link SendGuardState#allowsCancel()} holds for it.
     */
    public SendGuardState cancel(String tenant, String id, Instant expireAt) {
        return setIfAbsent(tenant, id, SendGuardState.CANCELLED_VALUE, expireAt);
    }

    /**
     * Claims the email for sending. Returns the state found before: the claim is this worker's iff
     * that is {@link SendGuardState.Kind#NONE}; otherwise it was cancelled, claimed or sent already.
     */
    public SendGuardState claim(String tenant, String id, String worker, Instant at, Instant expireAt) {
        if (worker.isEmpty() || worker.indexOf(':') >= 0) {
            throw new IllegalArgumentException("A worker id must be non-empty and contain no ':'");
        }
        return setIfAbsent(tenant, id, SendGuardState.claimedValue(worker, at), expireAt);
    }

    /**
     * Records the provider's message id once the provider accepted the email. Returns the state
     * found before: it was recorded iff that is this worker's claim made at {@code claimedAt}.
     */
    public SendGuardState markSent(String tenant, String id, String worker, Instant claimedAt,
                                   String providerId, Instant expireAt) {
        String prior = REPLACE_IF.eval(redis, ScriptOutputType.VALUE, new String[]{key(tenant, id)},
                SendGuardState.claimedValue(worker, claimedAt), SendGuardState.SENT_PREFIX + providerId,
                Long.toString(expireAt.toEpochMilli()));
        return SendGuardState.parse(prior);
    }

    /** {@link #current}, without blocking: many guards of a range are read in one pipeline. */
    public CompletionStage<SendGuardState> currentAsync(String tenant, String id) {
        return async.get(key(tenant, id)).thenApply(SendGuardState::parse);
    }

    /** {@link #cancel}, without blocking. */
    public CompletionStage<SendGuardState> cancelAsync(String tenant, String id, Instant expireAt) {
        return async.setGet(key(tenant, id), SendGuardState.CANCELLED_VALUE,
                SetArgs.Builder.nx().pxAt(expireAt.toEpochMilli())).thenApply(SendGuardState::parse);
    }

    /** {@link #claim}, without blocking: a worker pipelines the claims of many emails on one connection. */
    public CompletionStage<SendGuardState> claimAsync(String tenant, String id, String worker, Instant at,
                                                      Instant expireAt) {
        if (worker.isEmpty() || worker.indexOf(':') >= 0) {
            throw new IllegalArgumentException("A worker id must be non-empty and contain no ':'");
        }
        return async.setGet(key(tenant, id), SendGuardState.claimedValue(worker, at),
                SetArgs.Builder.nx().pxAt(expireAt.toEpochMilli())).thenApply(SendGuardState::parse);
    }

    /** {@link #markSent}, without blocking. */
    public CompletionStage<SendGuardState> markSentAsync(String tenant, String id, String worker, Instant claimedAt,
                                                         String providerId, Instant expireAt) {
        return REPLACE_IF.<String>evalAsync(async, ScriptOutputType.VALUE, new String[]{key(tenant, id)},
                        SendGuardState.claimedValue(worker, claimedAt), SendGuardState.SENT_PREFIX + providerId,
                        Long.toString(expireAt.toEpochMilli()))
                .thenApply(SendGuardState::parse);
    }

    /**
     * Gives up this worker's claim when the provider surely did not get the email (the request never
     * reached it), so that a later attempt may claim and send it. Returns the state found before: it
     * was released iff that is this worker's claim made at {@code claimedAt}.
     */
    public CompletionStage<SendGuardState> releaseAsync(String tenant, String id, String worker, Instant claimedAt) {
        return RELEASE.<String>evalAsync(async, ScriptOutputType.VALUE, new String[]{key(tenant, id)},
                SendGuardState.claimedValue(worker, claimedAt)).thenApply(SendGuardState::parse);
    }

    /**
     * Replaces another worker's stale claim with this worker's (the {@code resend} in-doubt policy).
     * Compare-and-set: of several workers taking over the same claim, one wins. Returns the state
     * found before: the claim is this worker's iff it equals {@code stale}.
     */
    public CompletionStage<SendGuardState> takeOverAsync(String tenant, String id, SendGuardState stale,
                                                         String worker, Instant at, Instant expireAt) {
        if (stale.kind() != SendGuardState.Kind.CLAIMED) {
            throw new IllegalArgumentException("Only a claim can be taken over");
        }
        return REPLACE_IF.<String>evalAsync(async, ScriptOutputType.VALUE, new String[]{key(tenant, id)},
                        SendGuardState.claimedValue(stale.worker(), stale.claimedAt()),
                        SendGuardState.claimedValue(worker, at), Long.toString(expireAt.toEpochMilli()))
                .thenApply(SendGuardState::parse);
    }

    private SendGuardState setIfAbsent(String tenant, String id, String value, Instant expireAt) {
        // SET NX GET (Redis >= 7.0): one atomic step that writes only when absent and returns the old value.
        String prior = redis.setGet(key(tenant, id), value,
                SetArgs.Builder.nx().pxAt(expireAt.toEpochMilli()));
        return SendGuardState.parse(prior);
    }
}
