package dev.postdate.ranger;

import dev.postdate.core.range.RangerState;
import dev.postdate.core.redis.RedisSettings;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * The working copy of the ranger's progress, in Redis. Its one write is a script that first checks
 * the caller still holds the leader lease with the fencing token it was given and that the state is
 * still the one the caller read: a leader that lost its lease while paused cannot write, whatever
 * it believes, and two writers never both move the state on from the same point.
 */
@Singleton
public class RangerStateStore {

    /**
     * KEYS: leader, state. ARGV: fence, the expected tick, stage, afterS, afterQ, then the new tick,
     * stage, afterS, afterQ, prevS, prevQ, s, q. Returns 1, or -1 when the fence is stale, -2 when the
     * state moved on. A state written before stages existed has only {@code done}.
     */
    private static final String REPLACE = """
            local holder = redis.call('GET', KEYS[1])
            if not holder or string.match(holder, '|(%d+)$') ~= ARGV[1] then return -1 end
            local cur = redis.call('HMGET', KEYS[2], 'tick', 'stage', 'afterS', 'afterQ', 'done')
            local stage = cur[2] or (cur[5] == '0' and '0' or '3')
            if (cur[1] or '0') ~= ARGV[2] or stage ~= ARGV[3] or (cur[3] or '0') ~= ARGV[4]
               or (cur[4] or '0') ~= ARGV[5] then
              return -2
            end
            redis.call('HSET', KEYS[2], 'tick', ARGV[6], 'stage', ARGV[7], 'afterS', ARGV[8], 'afterQ', ARGV[9],
                       'prevS', ARGV[10], 'prevQ', ARGV[11], 's', ARGV[12], 'q', ARGV[13], 'fence', ARGV[1])
            redis.call('HDEL', KEYS[2], 'done')
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
        RangerState.Stage stage = fields.containsKey("stage")
                ? RangerState.Stage.values()[Integer.parseInt(fields.get("stage"))]
                : "0".equals(fields.get("done")) ? RangerState.Stage.DUE_FROM_START : RangerState.Stage.DONE;
        return new RangerState(
                Long.parseLong(fields.get("tick")),
                Long.parseLong(fields.get("prevS")),
                Long.parseLong(fields.get("prevQ")),
                Long.parseLong(fields.get("s")),
                Long.parseLong(fields.get("q")),
                new RangerState.Progress(stage, number(fields, "afterS"), number(fields, "afterQ")));
    }

    /**
     * Replaces {@code expected} with {@code next}.
     *
     * @throws FencedException when this process no longer leads or the state is no longer {@code expected}
     */
    public void replace(long fence, RangerState expected, RangerState next) {
        RangerState.Progress was = expected.progress();
        RangerState.Progress now = next.progress();
        long result = redis.sync().eval(REPLACE, ScriptOutputType.INTEGER, new String[]{leaderKey, stateKey},
                Long.toString(fence), Long.toString(expected.tick()), Integer.toString(was.stage().ordinal()),
                Long.toString(was.afterSendAt()), Long.toString(was.afterSeq()),
                Long.toString(next.tick()), Integer.toString(now.stage().ordinal()),
                Long.toString(now.afterSendAt()), Long.toString(now.afterSeq()),
                Long.toString(next.previousSendAt()), Long.toString(next.previousSeq()),
                Long.toString(next.sendAtCovered()), Long.toString(next.seqCovered()));
        if (result < 0) {
            throw new FencedException("tick " + next.tick() + " at " + now, result);
        }
    }

    private static long number(Map<String, String> fields, String name) {
        String value = fields.get(name);
        return value == null ? 0 : Long.parseLong(value);
    }
}
