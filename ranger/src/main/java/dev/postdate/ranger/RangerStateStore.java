package dev.postdate.ranger;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import dev.postdate.core.redis.RedisSettings;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * The ranger's progress in Redis. Every write is a script that first checks the caller still holds
 * the leader lease with the fencing token it was given: a leader that lost its lease while paused
 * cannot plan or finish a tick, whatever it believes.
 */
@Singleton
public class RangerStateStore {

    /** Returns the new tick number, -1 when the fence is stale, -2 when the state moved on. */
    private static final String PLAN = """
            local holder = redis.call('GET', KEYS[1])
            if not holder or string.match(holder, '|(%d+)$') ~= ARGV[1] then return -1 end
            local tick = tonumber(redis.call('HGET', KEYS[2], 'tick') or '0')
            local done = redis.call('HGET', KEYS[2], 'done') or '1'
            if tick ~= tonumber(ARGV[2]) or done ~= '1' then return -2 end
            local s = redis.call('HGET', KEYS[2], 's') or '0'
            local q = redis.call('HGET', KEYS[2], 'q') or '0'
            redis.call('HSET', KEYS[2], 'tick', tick + 1, 'prevS', s, 'prevQ', q,
                       's', ARGV[3], 'q', ARGV[4], 'done', '0', 'fence', ARGV[1])
            return tick + 1
            """;

    private static final String MARK_DONE = """
            local holder = redis.call('GET', KEYS[1])
            if not holder or string.match(holder, '|(%d+)$') ~= ARGV[1] then return -1 end
            if redis.call('HGET', KEYS[2], 'tick') ~= ARGV[2] then return -2 end
            redis.call('HSET', KEYS[2], 'done', '1')
            return 1
            """;

    private final StatefulRedisConnection<String, String> redis;
    private final String leaderKey;
    private final String stateKey;

    public RangerStateStore(StatefulRedisConnection<String, String> redis, RedisSettings settings) {
        this.redis = redis;
        this.leaderKey = LeaderLease.leaderKey(settings);
        this.stateKey = settings.keyPrefix() + "ranger:state";
    }

    public RangerState load() {
        Map<String, String> fields = redis.sync().hgetall(stateKey);
        if (fields.isEmpty()) {
            return RangerState.INITIAL;
        }
        return new RangerState(
                Long.parseLong(fields.get("tick")),
                Long.parseLong(fields.get("s")),
                Long.parseLong(fields.get("q")),
                Long.parseLong(fields.get("prevS")),
                Long.parseLong(fields.get("prevQ")),
                "1".equals(fields.get("done")));
    }

    /**
     * Saves the intent to cover up to {@code (sendAt, seq)} as the tick after {@code from}.
     *
     * @throws FencedException when this process no longer leads or another tick was planned meanwhile
     */
    public long plan(long fence, RangerState from, long sendAt, long seq) {
        long result = redis.sync().eval(PLAN, ScriptOutputType.INTEGER, new String[]{leaderKey, stateKey},
                Long.toString(fence), Long.toString(from.tick()), Long.toString(sendAt), Long.toString(seq));
        if (result < 0) {
            throw new FencedException("plan of tick " + (from.tick() + 1), result);
        }
        return result;
    }

    /** Records that every range of {@code tick} is on the queue. */
    public void markDone(long fence, long tick) {
        long result = redis.sync().eval(MARK_DONE, ScriptOutputType.INTEGER, new String[]{leaderKey, stateKey},
                Long.toString(fence), Long.toString(tick));
        if (result < 0) {
            throw new FencedException("completion of tick " + tick, result);
        }
    }
}
