package dev.postdate.api.auth;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;

/**
 * Reloads API keys and sender identities every {@code postdate.api.keys-refresh}. {@link ApiKeyCache}
 * reads the keys first, then the identities, and publishes the keys last: a key the api accepts never
 * works without the identities added before it, so a script that adds identities and then creates a
 * key needs to wait for the key only.
 */
@Singleton
public class TenantAccessRefresh {

    private final ApiKeyCache keys;

    public TenantAccessRefresh(ApiKeyCache keys) {
        this.keys = keys;
    }

    @Scheduled(initialDelay = "0s", fixedDelay = "${postdate.api.keys-refresh}")
    void refresh() {
        keys.refresh();
    }
}
