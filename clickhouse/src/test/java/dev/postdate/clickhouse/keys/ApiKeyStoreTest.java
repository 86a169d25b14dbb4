package dev.postdate.clickhouse.keys;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.core.testing.MutableClock;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against the real ClickHouse, in the test environment's own database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiKeyStoreTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private TestEnvironment env;
    private MutableClock clock;
    private ApiKeyStore store;

    @BeforeAll
    void migrate() {
        env = TestEnvironment.create(ApiKeyStoreTest.class);
        ClickHouseSql sql = ClickHouseTestSupport.sqlFor(env);
        new Migrator(sql).migrate();
        clock = new MutableClock(NOW);
        store = new ApiKeyStore(sql, clock);
    }

    @AfterAll
    void drop() throws Exception {
        env.close();
    }

    @Test
    void findsAKeyByItsIdAndSecretOnly() {
        clock.set(NOW);
        CreatedApiKey created = store.create("acme", Duration.ofDays(90));
        assertEquals(Optional.of(new ActiveKey("acme", NOW.plus(Duration.ofDays(90)))), store.find(created.key()));
        String sameIdOtherSecret = created.key().substring(0, created.key().length() - 4) + "AAAA";
        assertEquals(Optional.empty(), store.find(sameIdOtherSecret));
        assertEquals(Optional.empty(), store.find("pd_' OR 1=1 --"), "not a key's format: no query");
        assertEquals(Optional.empty(), store.find(ApiKeys.newKey(ApiKeys.newKeyId())), "unknown id");

        clock.advance(Duration.ofMinutes(1));
        assertTrue(store.revoke(created.keyId()));
        assertEquals(Optional.empty(), store.find(created.key()), "revoked");
        assertFalse(store.activeKeys().containsKey(ApiKeys.hash(created.key())));
    }

    @Test
    void refusesAnExpiryPastWhatTheColumnHolds() {
        clock.set(NOW);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> store.create("far-future", Duration.ofDays(365L * 100)));
        assertTrue(refused.getMessage().contains("2106"), refused.getMessage());
        assertEquals(List.of(), store.list("far-future"), "nothing written");
    }

    @Test
    void listsKeysWithoutSecretsAndKeepsExpiryThroughARevocation() {
        clock.set(NOW);
        CreatedApiKey forever = store.create("listed");
        CreatedApiKey expiring = store.create("listed", Duration.ofHours(12));
        store.create("someone-else");
        clock.advance(Duration.ofMinutes(1));
        assertTrue(store.revoke(expiring.keyId()));

        List<KeyListing> listed = store.list("listed");
        assertEquals(List.of(forever.keyId(), expiring.keyId()).stream().sorted().toList(),
                listed.stream().map(KeyListing::keyId).sorted().toList());
        KeyListing first = listed.stream().filter(k -> k.keyId().equals(forever.keyId())).findFirst().orElseThrow();
        assertEquals(NOW, first.createdAt());
        assertNull(first.expiresAt());
        assertNull(first.revokedAt());
        KeyListing second = listed.stream().filter(k -> k.keyId().equals(expiring.keyId())).findFirst().orElseThrow();
        assertEquals(NOW.plus(Duration.ofHours(12)), second.expiresAt(), "the revocation keeps the expiry");
        assertEquals(NOW.plus(Duration.ofMinutes(1)), second.revokedAt());
        assertFalse(listed.toString().contains(forever.key().substring(20)), "no secret in a listing");
        assertTrue(store.list(null).size() >= 3);
    }
}
