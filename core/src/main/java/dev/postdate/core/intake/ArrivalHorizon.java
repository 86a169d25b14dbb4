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
     * KEYS: counter, in-flight set. ARGV: now ms. One script, so the counter and the in-flight set are
     * read at the same instant: a block taken later lies above the counter value read here.
     */
    private static final String HORIZON = """
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
    private final Clock clock;

    public ArrivalHorizon(StatefulRedisConnection<String, String> redis, IntakeKeys keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
    }

    /** The highest seq below which the arrival sequence is complete and final; 0 before any arrival. */
    public long current() {
        Long horizon = redis.sync().eval(HORIZON, ScriptOutputType.INTEGER,
                new String[]{keys.seqCounter(), keys.inFlight()}, Long.toString(clock.millis()));
        return horizon;
    }
}
