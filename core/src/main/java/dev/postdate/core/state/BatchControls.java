package dev.postdate.core.state;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import dev.postdate.core.redis.RedisKeys;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Batch controls in Redis, key {@code batch:<tenant>:<batch id>} holding {@code paused} or
 * {@code cancelled} (no key: active). The worker reads it before claiming each email of a batch.
 * Pause and resume are refused once the batch is cancelled, atomically, so a resume racing a cancel
 * cannot undo it.
 */
@Singleton
public class BatchControls {

    /** Sets ARGV[1] (or deletes on '') unless cancelled; returns the value found before. */
    private static final String CHANGE_UNLESS_CANCELLED = """
            local v = redis.call('GET', KEYS[1])
            if v == 'cancelled' then return v end
            if ARGV[1] == '' then
              redis.call('DEL', KEYS[1])
            else
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            end
            return v or ''
            """;

    private final RedisCommands<String, String> redis;
    private final RedisKeys keys;

    public BatchControls(StatefulRedisConnection<String, String> connection, RedisKeys keys) {
        this.redis = connection.sync();
        this.keys = keys;
    }

    public String key(String tenant, String batchId) {
        return keys.of("batch", tenant, batchId);
    }

    public BatchControl current(String tenant, String batchId) {
        return BatchControl.fromStored(redis.get(key(tenant, batchId)));
    }

    /**
     * @param ttl how long the control must outlive its last write: at least until the batch's last
     *            email is due
     * @return the control found before; the pause took effect unless that is {@link BatchControl#CANCELLED}
     */
    public BatchControl pause(String tenant, String batchId, Duration ttl) {
        return changeUnlessCancelled(tenant, batchId, BatchControl.PAUSED.wireName(), ttl);
    }

    /** @return the control found before; the resume took effect unless that is {@link BatchControl#CANCELLED} */
    public BatchControl resume(String tenant, String batchId) {
        return changeUnlessCancelled(tenant, batchId, "", Duration.ZERO);
    }

    /** Cancels for good. @return the control found before */
    public BatchControl cancel(String tenant, String batchId, Duration ttl) {
        String prior = redis.setGet(key(tenant, batchId), BatchControl.CANCELLED.wireName(),
                SetArgs.Builder.px(ttl.toMillis()));
        return BatchControl.fromStored(prior);
    }

    private BatchControl changeUnlessCancelled(String tenant, String batchId, String value, Duration ttl) {
        String prior = redis.eval(CHANGE_UNLESS_CANCELLED, ScriptOutputType.VALUE,
                new String[]{key(tenant, batchId)}, value, Long.toString(ttl.toMillis()));
        return BatchControl.fromStored(prior);
    }
}
