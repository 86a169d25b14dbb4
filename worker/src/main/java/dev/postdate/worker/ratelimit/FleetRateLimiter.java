package dev.postdate.worker.ratelimit;

import dev.postdate.core.redis.RedisScript;
import dev.postdate.core.redis.RedisSettings;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * One send rate shared by every worker: a sliding one-second window in Redis (a sorted set of
 * permit times per sender, and one per tenant with a limit), checked and taken in one Lua script.
 * The script reads Redis's own clock, so workers on machines whose clocks disagree still share one
 * window. A worker that gets no permit waits until the oldest permit leaves the window and asks again:
 * the fleet never exceeds the limit, whatever the number of workers.
 */
public class FleetRateLimiter {

    /**
     * KEYS: windows; ARGV[1] window ms, ARGV[2] member, ARGV[2+i] limit of KEYS[i] (0 = none).
     * Returns 0 when a permit was taken, else the milliseconds to wait before asking again.
     */
    private static final RedisScript ACQUIRE = new RedisScript("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local window = tonumber(ARGV[1])
            local wait = 0
            for i, key in ipairs(KEYS) do
              local limit = tonumber(ARGV[2 + i])
              if limit > 0 then
                redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
                if redis.call('ZCARD', key) >= limit then
                  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
                  local w = tonumber(oldest[2]) + window - now + 1
                  if w > wait then wait = w end
                end
              end
            end
            if wait > 0 then return wait end
            for i, key in ipairs(KEYS) do
              if tonumber(ARGV[2 + i]) > 0 then
                redis.call('ZADD', key, now, ARGV[2])
                redis.call('PEXPIRE', key, window * 2)
              end
            end
            return 0
            """);

    private final RedisCommands<String, String> redis;
    private final String prefix;
    private final String senderName;
    private final RateLimitSettings settings;
    private final Map<String, Integer> tenantLimits;
    private final String memberPrefix;
    private final AtomicLong counter = new AtomicLong();
    private final long windowMillis;

    public FleetRateLimiter(StatefulRedisConnection<String, String> connection, RedisSettings redisSettings,
                            RateLimitSettings settings, Map<String, Integer> tenantLimits, String senderName,
                            String instanceId) {
        this.redis = connection.sync();
        this.prefix = redisSettings.keyPrefix();
        this.senderName = senderName;
        this.settings = settings;
        this.tenantLimits = Map.copyOf(tenantLimits);
        this.memberPrefix = instanceId + ":";
        this.windowMillis = 1000 + settings.windowMargin().toMillis();
    }

    /** Tenant limits from {@code postdate.worker.rate-limit.tenants.*}, tenant names kept as written. */
    public static Map<String, Integer> tenantLimits(Environment environment) {
        Map<String, Object> raw = environment.getProperties("postdate.worker.rate-limit.tenants", StringConvention.RAW);
        Map<String, Integer> limits = new HashMap<>();
        raw.forEach((tenant, value) -> limits.put(tenant, Integer.parseInt(String.valueOf(value))));
        return limits;
    }

    /** Whether any limit can apply to this tenant. */
    public boolean limits(String tenant) {
        return settings.perSecond() > 0 || tenantLimit(tenant) > 0;
    }

    private int tenantLimit(String tenant) {
        return tenantLimits.getOrDefault(tenant, settings.defaultTenantPerSecond());
    }

    /**
     * How long a permit stays good for: a send that starts later than this after its permit could
     * fall into the next window's second, so the caller takes a fresh permit instead.
     */
    public long permitValidityNanos() {
        return settings.windowMargin().toNanos();
    }

    /**
     * Blocks until a permit for one email of the tenant is taken.
     *
     * @param onWait called with the wait in ms each time the limit makes this caller wait
     */
    public void acquire(String tenant, LongConsumer onWait) throws InterruptedException {
        int tenantLimit = tenantLimit(tenant);
        if (settings.perSecond() <= 0 && tenantLimit <= 0) {
            return;
        }
        // One hash tag: both windows live in one Redis Cluster slot, as a script needs.
        String tag = "{rate:" + senderName + "}";
        String[] keys = {prefix + tag + ":all", prefix + tag + ":tenant:" + tenant};
        while (true) {
            Long wait = ACQUIRE.eval(redis, ScriptOutputType.INTEGER, keys, Long.toString(windowMillis),
                    memberPrefix + counter.incrementAndGet(), Integer.toString(settings.perSecond()),
                    Integer.toString(tenantLimit));
            if (wait == null || wait <= 0) {
                return;
            }
            onWait.accept(wait);
            Thread.sleep(wait);
        }
    }
}
