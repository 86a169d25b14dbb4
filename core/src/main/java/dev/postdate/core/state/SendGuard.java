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
 * The per-email send guard in Redis, key {@code state:<tenant>:<id>}: where a cancel and a claim (or
 * two claims) meet at send time. It is a cache of the durable outcomes in ClickHouse, which a worker
 * reads first; here only the race between racers is settled. The api cancels and resolves in-doubt
 * emails through it, the worker claims, marks sending and marks sent; each transition is one atomic
 * Redis operation, so a cancel and a claim racing for the same email cannot both win.
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

    /** Deletes the key only when it still holds ARGV[1] or ARGV[2] (this exact claim); returns the value found. */
    private static final RedisScript RELEASE = new RedisScript("""
            local v = redis.call('GET', KEYS[1])
            if v == ARGV[1] or v == ARGV[2] then
              redis.call('DEL', KEYS[1])
            end
            return v or ''
            """);

    /**
     * Records a send: over this worker's own claim or sending mark (ARGV[1], ARGV[2]), over an absent
     * key (Redis lost it meanwhile: the send happened, so the guard must say so again) and over any
     * other worker's claim, which has not reached a provider yet and now never will (its sending mark
     * fails). A cancel, a sent or another worker's sending mark stays. Returns the value found.
     */
    private static final RedisScript MARK_SENT = new RedisScript("""
            local v = redis.call('GET', KEYS[1])
            if not v or v == ARGV[1] or v == ARGV[2] or string.sub(v, 1, 8) == 'claimed:' then
              redis.call('SET', KEYS[1], ARGV[3], 'PXAT', ARGV[4])
            end
            return v or ''
            """);

    /**
     * Settles an in-doubt email on the tenant's word: only over a sending mark, a resend not yet
     * claimed, or an absent key (Redis lost the mark; the caller checked the recorded in-doubt event).
     * Returns the value found.
     */
    private static final RedisScript RESOLVE = new RedisScript("""
            local v = redis.call('GET', KEYS[1])
            if not v or string.sub(v, 1, 8) == 'sending:' or string.sub(v, 1, 7) == 'resend:' then
              redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
            end
            return v or ''
            """);

    /** The provider id a guard holds when the tenant, not a provider, said the email was sent. */
    public static final String RESOLVED_SENT = "resolved-by-tenant";

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
     * Records the provider's message id once the provider accepted the email (see {@link #markSentAsync}).
     * Returns the state found before.
     */
    public SendGuardState markSent(String tenant, String id, String worker, Instant claimedAt,
                                   String providerId, Instant expireAt) {
        return markSentAsync(tenant, id, worker, claimedAt, providerId, expireAt).toCompletableFuture().join();
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

    /**
     * Records the provider's message id once the provider accepted the email: over this worker's
     * claim or sending mark made at {@code claimedAt}, an absent key (Redis lost it), or another
     * worker's mere claim. Returns the state found before.
     */
    public CompletionStage<SendGuardState> markSentAsync(String tenant, String id, String worker, Instant claimedAt,
                                                         String providerId, Instant expireAt) {
        return MARK_SENT.<String>evalAsync(async, ScriptOutputType.VALUE, new String[]{key(tenant, id)},
                        SendGuardState.claimedValue(worker, claimedAt), SendGuardState.sendingValue(worker, claimedAt),
                        SendGuardState.SENT_PREFIX + providerId, Long.toString(expireAt.toEpochMilli()))
                .thenApply(SendGuardState::parse);
    }

    /**
     * Marks this worker's claim as sending, right before the provider call: from here on a crash leaves
     * the email in doubt, before it the claim may be taken over and sent. Returns the state found before:
     * the call may go ahead iff that is this worker's claim made at {@code claimedAt}.
     */
    public CompletionStage<SendGuardState> markSendingAsync(String tenant, String id, String worker, Instant claimedAt,
                                                            Instant expireAt) {
        return REPLACE_IF.<String>evalAsync(async, ScriptOutputType.VALUE, new String[]{key(tenant, id)},
                        SendGuardState.claimedValue(worker, claimedAt), SendGuardState.sendingValue(worker, claimedAt),
                        Long.toString(expireAt.toEpochMilli()))
                .thenApply(SendGuardState::parse);
    }

    /**
     * Gives up this worker's claim or sending mark when the provider surely did not get the email (the
     * request never reached it), so that a later attempt may claim and send it. Returns the state
     * found before: it was released iff that is this worker's claim (or mark) made at {@code claimedAt}.
     */
    public CompletionStage<SendGuardState> releaseAsync(String tenant, String id, String worker, Instant claimedAt) {
        return RELEASE.<String>evalAsync(async, ScriptOutputType.VALUE, new String[]{key(tenant, id)},
                        SendGuardState.claimedValue(worker, claimedAt), SendGuardState.sendingValue(worker, claimedAt))
                .thenApply(SendGuardState::parse);
    }

    /**
     * Replaces a claim whose worker is gone, an in-doubt sending mark (the {@code resend} policy) or a
     * resend the tenant allowed with this worker's claim. Compare-and-set on the exact value: of several
     * workers taking over the same guard, one wins. Returns the state found before: the claim is this
     * worker's iff it equals {@code stale}.
     */
    public CompletionStage<SendGuardState> takeOverAsync(String tenant, String id, SendGuardState stale,
                                                         String worker, Instant at, Instant expireAt) {
        if (stale.kind() != SendGuardState.Kind.CLAIMED && stale.kind() != SendGuardState.Kind.SENDING
                && stale.kind() != SendGuardState.Kind.RESEND) {
            throw new IllegalArgumentException("Only a claim, a sending mark or a resend can be taken over");
        }
        return REPLACE_IF.<String>evalAsync(async, ScriptOutputType.VALUE, new String[]{key(tenant, id)},
                        stale.storedValue(), SendGuardState.claimedValue(worker, at), Long.toString(expireAt.toEpochMilli()))
                .thenApply(SendGuardState::parse);
    }

    /**
     * Cancels over a claim whose worker is gone (it never reached a provider) once the email's batch
     * was cancelled. Compare-and-set on the exact claim; returns the state found before.
     */
    public CompletionStage<SendGuardState> cancelStaleClaimAsync(String tenant, String id, SendGuardState stale,
                                                                 Instant expireAt) {
        if (stale.kind() != SendGuardState.Kind.CLAIMED) {
            throw new IllegalArgumentException("Only a claim can be cancelled over");
        }
        return REPLACE_IF.<String>evalAsync(async, ScriptOutputType.VALUE, new String[]{key(tenant, id)},
                        stale.storedValue(), SendGuardState.CANCELLED_VALUE, Long.toString(expireAt.toEpochMilli()))
                .thenApply(SendGuardState::parse);
    }

    /**
     * The tenant settles an in-doubt email: {@code sent} records it as sent (never sent again),
     * otherwise one more send is allowed. Takes effect only over a sending mark, a pending resend or an
     * absent key; returns the state found before.
     */
    public SendGuardState resolveInDoubt(String tenant, String id, boolean sent, Instant at, Instant expireAt) {
        String value = sent ? SendGuardState.SENT_PREFIX + RESOLVED_SENT : SendGuardState.RESEND_PREFIX + at.toEpochMilli();
        String prior = RESOLVE.eval(redis, ScriptOutputType.VALUE, new String[]{key(tenant, id)}, value,
                Long.toString(expireAt.toEpochMilli()));
        return SendGuardState.parse(prior);
    }

    private SendGuardState setIfAbsent(String tenant, String id, String value, Instant expireAt) {
        // SET NX GET (Redis >= 7.0): one atomic step that writes only when absent and returns the old value.
        String prior = redis.setGet(key(tenant, id), value,
                SetArgs.Builder.nx().pxAt(expireAt.toEpochMilli()));
        return SendGuardState.parse(prior);
    }
}
