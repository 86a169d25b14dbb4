package dev.postdate.core.state;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.inject.Singleton;

import java.time.Instant;

/**
 * The per-email send guard in Redis, the send-time source of truth: key {@code state:<tenant>:<id>}.
 * The api cancels through it and the worker claims and marks sent through it; each transition is
 * one atomic Redis operation, so a cancel and a claim racing for the same email cannot both win.
 * Every write sets the key to expire at the caller's {@code expireAt} (the email's send time plus a
 * retention), so guards of long-sent email do not accumulate.
 */
@Singleton
public class SendGuard {

    /** Succeeds only for the worker that holds the claim; returns the value found before. */
    private static final String MARK_SENT = """
            local v = redis.call('GET', KEYS[1])
            if v == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
            end
            return v or ''
            """;

    private final RedisCommands<String, String> redis;

    public SendGuard(StatefulRedisConnection<String, String> connection) {
        this.redis = connection.sync();
    }

    public static String key(String tenant, String id) {
        return "state:" + tenant + ":" + id;
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
        String prior = redis.eval(MARK_SENT, ScriptOutputType.VALUE, new String[]{key(tenant, id)},
                SendGuardState.claimedValue(worker, claimedAt), SendGuardState.SENT_PREFIX + providerId,
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
