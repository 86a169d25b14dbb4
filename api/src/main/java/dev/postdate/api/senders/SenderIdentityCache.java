package dev.postdate.api.senders;

import dev.postdate.clickhouse.senders.SenderIdentities;
import dev.postdate.clickhouse.senders.SenderIdentityStore;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every tenant's sender identities in memory, reloaded with the API keys ({@link dev.postdate.api.auth.TenantAccessRefresh}),
 * so that checking a from costs no query. Operators add a handful of identities per tenant, so the
 * whole table fits: its size is bounded by what operators add, not by traffic. A failed reload keeps
 * the previous table.
 */
@Singleton
public class SenderIdentityCache {

    private static final Logger LOG = LoggerFactory.getLogger(SenderIdentityCache.class);

    private final SenderIdentityStore store;
    /** Null until the first load succeeded: until then every from is refused (never allowed unchecked). */
    private volatile Map<String, Set<String>> identitiesByTenant;

    public SenderIdentityCache(SenderIdentityStore store) {
        this.store = store;
    }

    /** @return whether the load succeeded */
    public boolean refresh() {
        try {
            Map<String, Set<String>> loaded = new HashMap<>();
            store.activeByTenant().forEach((tenant, identities) -> loaded.put(tenant, Set.copyOf(identities)));
            if (identitiesByTenant == null) {
                LOG.info("Loaded the sender identities of {} tenants", loaded.size());
            }
            identitiesByTenant = Map.copyOf(loaded);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Reloading sender identities failed, keeping the previous ones: {}", e.getMessage());
            return false;
        }
    }

    public boolean isLoaded() {
        return identitiesByTenant != null;
    }

    /** Whether the tenant may send from (or ask replies to) this address. */
    public boolean allows(String tenant, String address) {
        Map<String, Set<String>> current = identitiesByTenant;
        return current != null && SenderIdentities.covers(current.getOrDefault(tenant, Set.of()), address);
    }
}
