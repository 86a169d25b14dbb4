package dev.postdate.api.auth;

import dev.postdate.clickhouse.keys.ApiKeyStore;
import dev.postdate.clickhouse.keys.ApiKeys;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;

/**
 * The active API keys in memory, reloaded from ClickHouse every {@code postdate.api.keys-refresh}
 * (by {@link TenantAccessRefresh}),
 * so that authenticating costs no query. The price: a created or revoked key takes effect within
 * one interval. A failed reload keeps the previous table (ClickHouse down must not lock everyone out).
 */
@Singleton
public class ApiKeyCache {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyCache.class);

    private final ApiKeyStore store;
    /** SHA-256 hex of a key to its tenant; null until the first load succeeded. */
    private volatile Map<String, String> tenantsByHash;

    public ApiKeyCache(ApiKeyStore store) {
        this.store = store;
    }

    void refresh() {
        try {
            Map<String, String> loaded = Map.copyOf(store.activeKeyTenants());
            if (tenantsByHash == null) {
                LOG.info("Loaded {} active API keys", loaded.size());
            }
            tenantsByHash = loaded;
        } catch (RuntimeException e) {
            LOG.warn("Reloading API keys failed, keeping the previous ones: {}", e.getMessage());
        }
    }

    public boolean isLoaded() {
        return tenantsByHash != null;
    }

    /** The tenant of a presented key, if it is active. */
    public Optional<String> tenantOf(String presentedKey) {
        Map<String, String> current = tenantsByHash;
        return current == null ? Optional.empty() : Optional.ofNullable(current.get(ApiKeys.hash(presentedKey)));
    }
}
