package dev.postdate.api.auth;

import dev.postdate.api.senders.SenderIdentityCache;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;

/**
 * Reloads sender identities, then API keys, every {@code postdate.api.keys-refresh}. In that order,
 * and keys only once identities loaded: a key the api accepts never works without the identities
 * added before it, so a script that adds identities and then creates a key needs to wait for the
 * key only.
 */
@Singleton
public class TenantAccessRefresh {

    private final SenderIdentityCache senders;
    private final ApiKeyCache keys;

    public TenantAccessRefresh(SenderIdentityCache senders, ApiKeyCache keys) {
        this.senders = senders;
        this.keys = keys;
    }

    @Scheduled(initialDelay = "0s", fixedDelay = "${postdate.api.keys-refresh}")
    void refresh() {
        if (senders.refresh()) {
            keys.refresh();
        }
    }
}
