package dev.postdate.core.intake;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The ranger's bound on the arrival sequence: every email with {@code seq <= current()} is visible
 * in ClickHouse, and no email with such a seq can appear later. It is the counter's value, lowered to
 * just below the lowest block still being inserted; a block whose lease lapsed no longer holds it
 * (its consumer died or gave up, and a retry takes a new block above the counter). See docs/ingest.md.
 */
@Singleton
public class ArrivalHorizon {

    /**
     * KEYS: counter, in-flight set, incarnation. ARGV: now ms. One script, so the counter and the
     * in-flight set are read at the same instant: a block taken later lies above the counter value
     * read here. -1 when the state was written by another Redis process: it may have lost writes.
     */
    private static final String HORIZON = SeqReseed.SAME_INCARNATION + """
            if not same_incarnation(KEYS[3]) then return -1 end
            local horizon = tonumber(redis.call('GET', KEYS[1]) or '0')
            for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf')) do
              local start = tonumber(string.match(member, '^(%d+)'))
              if start - 1 < horizon then
                horizon = start - 1
              end
            end
            return horizon
            """;

    private final StatefulRedisConnection<String, String> redis;
    private final IntakeKeys keys;
    private final SeqReseed reseed;
    private final Clock clock;

    public ArrivalHorizon(StatefulRedisConnection<String, String> redis, IntakeKeys keys, SeqReseed reseed,
                          Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.reseed = reseed;
        this.clock = clock;
    }

    /** The highest seq below which the arrival sequence is complete and final; 0 before any arrival. */
    public long current() {
        long horizon = read();
        if (horizon < 0) {
            reseed.reseed();
            horizon = read();
        }
        return horizon;
    }

    private long read() {
        return redis.sync().eval(HORIZON, ScriptOutputType.INTEGER,
                new String[]{keys.seqCounter(), keys.inFlight(), keys.incarnation()}, Long.toString(clock.millis()));
    }
}
