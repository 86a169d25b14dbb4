package dev.postdate.core.intake;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * Repairs the arrival sequence after Redis lost writes. The counter, the in-flight set and the
 * packets' blocks are a cache: a Redis restarted from its AOF may have lost the last second of them,
 * a failed-over replica the writes it had not received, a new instance all of them. Each is told
 * apart from the Redis that wrote the state by its {@code run_id}, which every intake script compares
 * with the one recorded in {@link IntakeKeys#incarnation()}. On a mismatch the sequence is reseeded
 * once, atomically: the counter jumps above every number ClickHouse holds and any the lost writes
 * handed out, and a barrier holds the horizon where it was until every insert in flight at the loss
 * has ended. docs/ingest.md has the argument.
 */
@Singleton
public class SeqReseed {

    /** Lua: answers 1 when the state in Redis was written by this very Redis process, else 0. */
    static final String SAME_INCARNATION = """
            local function same_incarnation(key)
              return redis.call('GET', key) == string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
            end
            """;

    /**
     * KEYS: counter, in-flight, incarnation. ARGV: highest stored seq, jump, barrier expiry ms.
     * Returns the new counter, or 0 when another caller reseeded first. A Redis with no sequence state
     * at all in front of a store with no email is a new installation: nothing can be in flight, so
     * there is no barrier and no jump.
     */
    private static final String RESEED = SAME_INCARNATION + """
            if same_incarnation(KEYS[3]) then return 0 end
            local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
            local counter = tonumber(redis.call('GET', KEYS[1]) or '0')
            local stored = tonumber(ARGV[1])
            redis.call('SET', KEYS[3], run)
            if counter == 0 and stored == 0 and redis.call('ZCARD', KEYS[2]) == 0 then
              return -1
            end
            local floor = math.max(counter, stored) + tonumber(ARGV[2])
            redis.call('SET', KEYS[1], string.format('%d', floor))
            redis.call('ZADD', KEYS[2], ARGV[3], string.format('1..%d', floor))
            return floor
            """;

    private static final Logger LOG = LoggerFactory.getLogger(SeqReseed.class);

    private final StatefulRedisConnection<String, String> redis;
    private final IntakeKeys keys;
    private final StoredArrivals stored;
    private final ArrivalSettings settings;
    private final Clock clock;

    public SeqReseed(StatefulRedisConnection<String, String> redis, IntakeKeys keys, StoredArrivals stored,
                     ArrivalSettings settings, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.stored = stored;
        this.settings = settings;
        this.clock = clock;
    }

    /** Reseeds unless another process did since the mismatch was seen. */
    public void reseed() {
        long storedMax = stored.maxStoredSeq();
        long barrierUntil = clock.millis() + settings.reseedBarrier().toMillis();
        long result = redis.sync().eval(RESEED, ScriptOutputType.INTEGER,
                new String[]{keys.seqCounter(), keys.inFlight(), keys.incarnation()},
                Long.toString(storedMax), Long.toString(settings.reseedJump()), Long.toString(barrierUntil));
        if (result > 0) {
            LOG.warn("Redis lost arrival-sequence writes (new run_id): counter reseeded to {} (stored max {}),"
                    + " horizon held for {}", result, storedMax, settings.reseedBarrier());
        } else if (result < 0) {
            LOG.info("New arrival sequence: no sequence state in Redis and no stored email");
        }
    }
}
