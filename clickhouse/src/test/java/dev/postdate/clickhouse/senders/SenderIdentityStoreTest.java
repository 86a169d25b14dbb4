package dev.postdate.clickhouse.senders;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.core.testing.MutableClock;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Identity rules, and the store against the real ClickHouse in the test environment's own database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SenderIdentityStoreTest {

    private TestEnvironment env;
    private ClickHouseSql sql;
    private MutableClock clock;
    private SenderIdentityStore store;

    @BeforeAll
    void migrate() {
        env = TestEnvironment.create(SenderIdentityStoreTest.class);
        sql = ClickHouseTestSupport.sqlFor(env);
        new Migrator(sql).migrate();
        clock = new MutableClock(Instant.parse("2030-01-01T08:00:00Z"));
        store = new SenderIdentityStore(sql, clock);
    }

    @AfterAll
    void drop() throws Exception {
        env.close();
    }

    @Test
    void identitiesAreNormalizedOrRefused() {
        assertEquals(Optional.of("example.org"), SenderIdentities.normalize(" Example.ORG "));
        assertEquals(Optional.of("News.Desk@example.org"), SenderIdentities.normalize("News.Desk@EXAMPLE.org"));
        assertEquals(Optional.of("xn--bcher-kva.example"), SenderIdentities.normalize("bücher.example"));
        for (String refused : List.of("", "org", "example.org.", "-a.example", "a@b@example.org", "\"a b\"@example.org",
                "@example.org", "a..b@example.org", "exa mple.org", "example.org'; DROP TABLE x", "a@" + "x".repeat(64) + ".org")) {
            assertEquals(Optional.empty(), SenderIdentities.normalize(refused), refused);
        }
    }

    @Test
    void aDomainCoversItsAddressesButNotItsSubdomainsAndAnAddressOnlyItself() {
        Set<String> identities = Set.of("example.org", "ceo@initech.example", "xn--bcher-kva.example");
        assertTrue(SenderIdentities.covers(identities, "news@example.org"));
        assertTrue(SenderIdentities.covers(identities, "news@EXAMPLE.Org"), "domains compare case-insensitively");
        assertTrue(SenderIdentities.covers(identities, "info@xn--bcher-kva.example"));
        assertTrue(SenderIdentities.covers(identities, "ceo@Initech.example"));
        assertFalse(SenderIdentities.covers(identities, "CEO@initech.example"), "local parts compare exactly");
        assertFalse(SenderIdentities.covers(identities, "cfo@initech.example"));
        assertFalse(SenderIdentities.covers(identities, "news@mail.example.org"), "subdomains need their own identity");
        assertFalse(SenderIdentities.covers(identities, "news@evilexample.org"));
        assertFalse(SenderIdentities.covers(identities, "news@example.org.evil.example"));
        assertFalse(SenderIdentities.covers(identities, "example.org"));
        assertFalse(SenderIdentities.covers(Set.of(), "news@example.org"));
    }

    @Test
    void addedIdentitiesAreListedPerTenantUntilRemoved() {
        store.add("acme", "example.org");
        store.add("acme", "news@acme.example");
        store.add("acme", "example.org");
        store.add("globex", "globex.example");
        assertEquals(List.of("example.org", "news@acme.example"), store.list("acme"));
        assertEquals(Map.of("acme", Set.of("example.org", "news@acme.example"), "globex", Set.of("globex.example")),
                store.activeByTenant());

        // Same millisecond as the add: the removal still wins.
        assertTrue(store.remove("acme", "example.org"));
        assertFalse(store.remove("acme", "example.org"), "already removed");
        assertFalse(store.remove("acme", "globex.example"), "another tenant's");
        assertEquals(List.of("news@acme.example"), store.list("acme"));

        store.add("acme", "example.org");
        assertEquals(List.of("example.org", "news@acme.example"), store.list("acme"), "added again");
        if (sql.cluster().isEmpty()) {
            // 18.16 refuses OPTIMIZE FINAL of a replicated table while its newest part is its last quorum part.
            sql.execute("OPTIMIZE TABLE " + sql.table("sender_identities") + " FINAL");
            assertEquals(List.of("example.org", "news@acme.example"), store.list("acme"), "after merges");
        }
        assertEquals(List.of(), store.list("nobody"));
    }
}
