package dev.postdate.expander;

import dev.postdate.core.redis.RedisKeys;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.inject.Singleton;

/**
 * Which expander works on an occurrence: a key in Redis set if absent, renewed by its holder. Only an
 * economy: expansion is idempotent (deterministic email ids, checkpoints in ClickHouse), so a claim
 * lost with Redis lets two expanders publish the same recipients, stored twice and sent once
 * (docs/campaigns.md).
 */
@Singleton
public class OccurrenceClaims {

    /** Renews the claim if this instance holds it. */
    private static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            return 0
            """;

    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private final StatefulRedisConnection<String, String> redis;
    private final RedisKeys keys;
    private final ExpanderSettings settings;

    public OccurrenceClaims(StatefulRedisConnection<String, String> redis, RedisKeys keys, ExpanderSettings settings) {
        this.redis = redis;
        this.keys = keys;
        this.settings = settings;
    }

    /** Takes the claim if it is free or ours; false when another expander holds it. */
    public boolean claim(String tenant, String campaignId, int occurrence) {
        String key = key(tenant, campaignId, occurrence);
        if ("OK".equals(redis.sync().set(key, settings.instanceId(), SetArgs.Builder.nx().px(settings.claimTtl().toMillis())))) {
            return true;
        }
        return renew(key);
    }

    /** Extends our claim; false when it lapsed and another expander took it. */
    public boolean renew(String tenant, String campaignId, int occurrence) {
        return renew(key(tenant, campaignId, occurrence));
    }

    public void release(String tenant, String campaignId, int occurrence) {
        redis.sync().eval(RELEASE, ScriptOutputType.INTEGER, new String[]{key(tenant, campaignId, occurrence)},
                settings.instanceId());
    }

    private boolean renew(String key) {
        Long renewed = redis.sync().eval(RENEW, ScriptOutputType.INTEGER, new String[]{key}, settings.instanceId(),
                Long.toString(settings.claimTtl().toMillis()));
        return renewed != null && renewed == 1;
    }

    private String key(String tenant, String campaignId, int occurrence) {
        return keys.of("campaign-claim", tenant, campaignId, Integer.toString(occurrence));
    }
}
