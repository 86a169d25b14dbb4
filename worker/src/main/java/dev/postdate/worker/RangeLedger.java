package dev.postdate.worker;

import dev.postdate.core.redis.RedisSettings;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Map;

/**
 * The worker's range bookkeeping in Redis (all keys under {@code postdate.redis.key-prefix}):
 * <ul>
 *   <li>{@code range-msg:<messageId>}: this SQS message is being worked (SET NX, lives as long as
 *       the visibility timeout, extended with it): a second delivery of it is dropped;</li>
 *   <li>{@code range-busy:<rangeId>}: the range is being worked (same lifetime): a second message
 *       of the same range (the ranger emitted it again) waits instead of racing the first;</li>
 *   <li>{@code range-done:<rangeId>}: every email of the range has a recorded outcome; a range the
 *       ranger emitted again under the same id is dropped (TTL {@code range-done-ttl});</li>
 *   <li>{@code range-settled:<rangeId>}: hash of email id to the state already written to
 *       ClickHouse, for a range that is worked in several passes (paused batch, give-back,
 *       crash); deleted when the range is done.</li>
 * </ul>
 */
@Singleton
public class RangeLedger {

    private final RedisCommands<String, String> redis;
    private final String prefix;
    private final WorkerSettings settings;

    public RangeLedger(StatefulRedisConnection<String, String> connection, RedisSettings redisSettings,
                       WorkerSettings settings) {
        this.redis = connection.sync();
        this.prefix = redisSettings.keyPrefix();
        this.settings = settings;
    }

    /** True when this process now owns the message; false when another delivery of it is being worked. */
    boolean takeMessage(String messageId, Duration ttl) {
        return "OK".equals(redis.set(prefix + "range-msg:" + messageId, settings.instanceId(),
                SetArgs.Builder.nx().px(Math.max(1, ttl.toMillis()))));
    }

    void extendMessage(String messageId, Duration ttl) {
        redis.pexpire(prefix + "range-msg:" + messageId, Math.max(1, ttl.toMillis()));
    }

    void releaseMessage(String messageId) {
        redis.del(prefix + "range-msg:" + messageId);
    }

    /** True when this process now works the range; false while another message of the same range is worked. */
    boolean takeRange(String rangeId, Duration ttl) {
        return "OK".equals(redis.set(prefix + "range-busy:" + rangeId, settings.instanceId(),
                SetArgs.Builder.nx().px(Math.max(1, ttl.toMillis()))));
    }

    void extendRange(String rangeId, Duration ttl) {
        redis.pexpire(prefix + "range-busy:" + rangeId, Math.max(1, ttl.toMillis()));
    }

    void releaseRange(String rangeId) {
        redis.del(prefix + "range-busy:" + rangeId);
    }

    boolean isDone(String rangeId) {
        return redis.exists(prefix + "range-done:" + rangeId) > 0;
    }

    void markDone(String rangeId) {
        redis.set(prefix + "range-done:" + rangeId, settings.instanceId(),
                SetArgs.Builder.px(settings.rangeDoneTtl().toMillis()));
        redis.del(prefix + "range-settled:" + rangeId);
    }

    Map<String, String> settled(String rangeId) {
        return redis.hgetall(prefix + "range-settled:" + rangeId);
    }

    void settle(String rangeId, Map<String, String> states) {
        if (states.isEmpty()) {
            return;
        }
        String key = prefix + "range-settled:" + rangeId;
        redis.hset(key, states);
        redis.pexpire(key, settings.rangeDoneTtl().toMillis());
    }
}
