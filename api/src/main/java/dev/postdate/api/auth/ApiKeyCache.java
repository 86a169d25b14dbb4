package dev.postdate.api.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.postdate.api.ApiSettings;
import dev.postdate.api.senders.SenderIdentityCache;
import dev.postdate.clickhouse.keys.ActiveKey;
import dev.postdate.clickhouse.keys.ApiKeyStore;
import dev.postdate.clickhouse.keys.ApiKeys;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Decides whether a presented API key is accepted. The keys not revoked are held in memory, reloaded
 * from ClickHouse every {@code keys-refresh} by {@link TenantAccessRefresh}, so that a known key costs no query. A key not in that
 * table (one created since the last reload) is looked up by its key id; the answer, found or not, is
 * kept until the next reload in a bounded cache, and at most {@code keys-lookups-in-flight} lookups
 * run at once, so that random keys sprayed at the api cost ClickHouse a bounded rate of point reads.
 * A reload replaces the table and empties that cache: a revocation takes effect within one interval.
 * A failed reload keeps the previous table (a short ClickHouse outage must not lock every tenant
 * out), but for at most {@code keys-max-staleness}: then authentication fails closed, so a revoked
 * key stops working even while ClickHouse is unreachable.
 */
@Singleton
public class ApiKeyCache {

    /** What authentication concludes about a presented key. */
    public sealed interface Verdict {
        record Accepted(String tenant) implements Verdict {
        }

        record Refused() implements Verdict {
        }

        /** The key cannot be judged now: the client should retry, not give up its key. */
        record Unavailable(String detail, Duration retryAfter) implements Verdict {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyCache.class);

    private record Table(Map<String, ActiveKey> keysByHash, Instant loadedAt) {
    }

    private final ApiKeyStore store;
    private final SenderIdentityCache senders;
    private final Clock clock;
    private final Duration refresh;
    private final Duration maxStaleness;
    private final Cache<String, Optional<ActiveKey>> lookups;
    private final Semaphore lookupPermits;
    /** Null until the first reload succeeded. */
    private volatile Table table;

    public ApiKeyCache(ApiKeyStore store, SenderIdentityCache senders, Clock clock, ApiSettings settings) {
        this.store = store;
        this.senders = senders;
        this.clock = clock;
        this.refresh = settings.keysRefresh();
        this.maxStaleness = settings.keysMaxStaleness();
        this.lookups = Caffeine.newBuilder()
                .maximumSize(settings.keysLookupCacheSize())
                .expireAfterWrite(settings.keysRefresh())
                .build();
        this.lookupPermits = new Semaphore(settings.keysLookupsInFlight());
    }

    void refresh() {
        try {
            Map<String, ActiveKey> loaded = Map.copyOf(store.activeKeys());
            // Identities are read after the keys and published before them: every identity added before
            // a loaded key was created is then in force by the time the key works.
            if (!senders.refresh()) {
                LOG.warn("Reloading sender identities failed; keeping the previous API keys for at most {}",
                        maxStaleness);
                return;
            }
            if (table == null) {
                LOG.info("Loaded {} active API keys", loaded.size());
            }
            table = new Table(loaded, clock.instant());
            lookups.invalidateAll();
        } catch (RuntimeException e) {
            LOG.warn("Reloading API keys failed, keeping the previous ones for at most {}: {}", maxStaleness,
                    e.getMessage());
        }
    }

    /** Whether the key is accepted, and for which tenant. May query ClickHouse (a key not loaded yet). */
    public Verdict authenticate(String presentedKey) {
        Table current = table;
        if (current == null && lookupPermits.tryAcquire()) {
            // The first reload may have run before the schema was there: try again now rather than a
            // whole interval later, within the same bound as lookups.
            try {
                refresh();
            } finally {
                lookupPermits.release();
            }
            current = table;
        }
        if (current == null) {
            return new Verdict.Unavailable("API keys are not loaded yet", refresh);
        }
        Instant now = clock.instant();
        if (Duration.between(current.loadedAt(), now).compareTo(maxStaleness) > 0) {
            return new Verdict.Unavailable("API keys could not be reloaded for longer than " + maxStaleness
                    + "; authentication is closed until they are", refresh);
        }
        String hash = ApiKeys.hash(presentedKey);
        ActiveKey key = current.keysByHash().get(hash);
        if (key == null) {
            if (ApiKeys.keyIdOf(presentedKey).isEmpty()) {
                return new Verdict.Refused();
            }
            Optional<Optional<ActiveKey>> looked = lookUp(hash, presentedKey);
            if (looked.isEmpty()) {
                return new Verdict.Unavailable("Unknown API keys cannot be checked right now; retry", refresh);
            }
            key = looked.get().orElse(null);
        }
        return key != null && key.acceptedAt(now) ? new Verdict.Accepted(key.tenant()) : new Verdict.Refused();
    }

    /**
     * A key created since the last reload, found only after the sender identities were reloaded, as
     * {@link TenantAccessRefresh} does: a key never works without the identities added before it.
     */
    private Optional<ActiveKey> findWithIdentities(String presentedKey) {
        Optional<ActiveKey> found = store.find(presentedKey);
        if (found.isPresent() && !senders.refresh()) {
            throw new IllegalStateException("sender identities could not be reloaded for a new key");
        }
        return found;
    }

    /** The store's answer (cached), or empty when it cannot be had now. */
    private Optional<Optional<ActiveKey>> lookUp(String hash, String presentedKey) {
        Optional<ActiveKey> cached = lookups.getIfPresent(hash);
        if (cached != null) {
            return Optional.of(cached);
        }
        if (!lookupPermits.tryAcquire()) {
            return Optional.empty();
        }
        try {
            // Concurrent requests with the same key wait for one lookup.
            return Optional.of(lookups.get(hash, ignored -> findWithIdentities(presentedKey)));
        } catch (RuntimeException e) {
            LOG.warn("Looking up an API key failed: {}", e.getMessage());
            return Optional.empty();
        } finally {
            lookupPermits.release();
        }
    }
}
