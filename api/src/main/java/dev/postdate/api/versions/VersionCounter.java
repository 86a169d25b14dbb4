package dev.postdate.api.versions;

import dev.postdate.core.redis.RedisSettings;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.inject.Singleton;

/**
 * Hands out version numbers of what a tenant saves in versions (templates, audiences):
 * {@code <prefix><kind>-version:<tenant>:<name>}, one atomic INCR per save, so concurrent saves (on
 * any number of api processes) never get the same number.
 * The caller passes the highest version ClickHouse holds as a floor: if the counter was lost (Redis
 * restored from an old snapshot, flushed), it restarts above what is stored instead of at 1.
 */
@Singleton
public class VersionCounter {

    private static final String NEXT = """
            local current = tonumber(redis.call('GET', KEYS[1]) or '0')
            local floor = tonumber(ARGV[1])
            if current < floor then
              redis.call('SET', KEYS[1], floor)
            end
            return redis.call('INCR', KEYS[1])
            """;

    private final RedisCommands<String, String> redis;
    private final String prefix;

    public VersionCounter(StatefulRedisConnection<String, String> connection, RedisSettings settings) {
        this.redis = connection.sync();
        this.prefix = settings.keyPrefix();
    }

    /** The next version of {@code kind} ("template", "audience") {@code name}, above {@code storedMax}. */
    public int next(String kind, String tenant, String name, int storedMax) {
        Long next = redis.eval(NEXT, ScriptOutputType.INTEGER, new String[]{prefix + kind + "-version:" + tenant + ":" + name},
                Integer.toString(storedMax));
        return Math.toIntExact(next);
    }
}
