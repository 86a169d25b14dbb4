package dev.postdate.ranger;

import dev.postdate.core.redis.RedisSettings;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.inject.Singleton;

import java.util.OptionalLong;

/**
 * One active ranger: a lease in Redis holding {@code <instance>|<fence>}. Each new holder gets a
 * fencing token larger than every earlier one; writes of the ranger state check it, so a leader
 * that paused past its lease cannot write after a standby took over.
 */
@Singleton
public class LeaderLease {

    /** Acquires a free lease or renews our own; returns the fence held, or -1. */
    private static final String HOLD = """
            local holder = redis.call('GET', KEYS[1])
            if holder then
              local instance, fence = string.match(holder, '^(.*)|(%d+)$')
              if instance == ARGV[1] then
                redis.call('PEXPIRE', KEYS[1], ARGV[2])
                return tonumber(fence)
              end
              return -1
            end
            local fence = redis.call('INCR', KEYS[2])
            redis.call('SET', KEYS[1], ARGV[1] .. '|' .. fence, 'PX', ARGV[2])
            return fence
            """;

    private static final String RELEASE = """
            local holder = redis.call('GET', KEYS[1])
            if holder and string.match(holder, '^(.*)|%d+$') == ARGV[1] then
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0
            """;

    private final StatefulRedisConnection<String, String> redis;
    private final String leaderKey;
    private final String fenceKey;
    private final String instanceId;
    private final long leaseMillis;

    public LeaderLease(StatefulRedisConnection<String, String> redis, RedisSettings redisSettings,
                       RangerSettings settings) {
        this.redis = redis;
        this.leaderKey = leaderKey(redisSettings);
        this.fenceKey = redisSettings.keyPrefix() + "ranger:fence";
        this.instanceId = settings.instanceId();
        this.leaseMillis = settings.leaseDuration().toMillis();
    }

    static String leaderKey(RedisSettings settings) {
        return settings.keyPrefix() + "ranger:leader";
    }

    /** Takes the lease if it is free, extends it if we hold it; the fence when we lead. */
    public OptionalLong hold() {
        long fence = redis.sync().eval(HOLD, ScriptOutputType.INTEGER, new String[]{leaderKey, fenceKey},
                instanceId, Long.toString(leaseMillis));
        return fence < 0 ? OptionalLong.empty() : OptionalLong.of(fence);
    }

    /** Gives the lease up at once, so that a standby need not wait for it to expire. */
    public void release() {
        redis.sync().eval(RELEASE, ScriptOutputType.INTEGER, new String[]{leaderKey}, instanceId);
    }

    public String instanceId() {
        return instanceId;
    }
}
