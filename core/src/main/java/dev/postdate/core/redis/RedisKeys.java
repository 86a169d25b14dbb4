package dev.postdate.core.redis;

import jakarta.inject.Singleton;

/**
 * Builds every key Postdate writes to Redis, under the configured prefix, so that installations
 * (and test classes) sharing one Redis never see each other's keys.
 */
@Singleton
public class RedisKeys {

    private final String prefix;

    public RedisKeys(RedisSettings settings) {
        this.prefix = settings.keyPrefix();
    }

    /** {@code <prefix><kind>:<part>:<part>...} */
    public String of(String kind, String... parts) {
        StringBuilder key = new StringBuilder(prefix).append(kind);
        for (String part : parts) {
            key.append(':').append(part);
        }
        return key.toString();
    }
}
