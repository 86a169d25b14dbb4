package dev.postdate.clickhouse.templates;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.core.template.TemplateSettings;
import dev.postdate.core.template.TemplateVersion;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against the real ClickHouse, in the test environment's own database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplateStoreTest {

    private TestEnvironment env;
    private ClickHouseSql sql;
    private TemplateStore store;

    @BeforeAll
    void migrate() {
        env = TestEnvironment.create(TemplateStoreTest.class);
        sql = ClickHouseTestSupport.sqlFor(env);
        new Migrator(sql).migrate();
        store = new TemplateStore(sql, TemplateSettings.defaults());
    }

    @AfterAll
    void drop() throws Exception {
        env.close();
    }

    @Test
    void versionsAreStoredReadAndListedPerTenant() {
        Instant at = Instant.parse("2030-01-01T08:00:00Z");
        String awkward = "Tab\there, quote ' and \\ backslash\nnew line {{ name }} ü";
        store.insert(new TemplateVersion("acme", "welcome", 1, "Hi {{ name }}", "<p>" + awkward + "</p>", null, at));
        store.insert(new TemplateVersion("acme", "welcome", 2, "Hello", null, awkward, at.plusSeconds(60)));
        store.insert(new TemplateVersion("globex", "welcome", 7, "Other", null, "x", at));

        TemplateStore fresh = new TemplateStore(sql, TemplateSettings.defaults()); // nothing cached
        TemplateVersion v1 = fresh.find("acme", "welcome", 1).orElseThrow();
        assertEquals("<p>" + awkward + "</p>", v1.html());
        assertNull(v1.text(), "absent part stays absent");
        assertEquals(at, v1.createdAt());
        assertEquals(awkward, fresh.find("acme", "welcome", 2).orElseThrow().text());
        assertEquals(2, fresh.latest("acme", "welcome").orElseThrow().version());
        assertEquals(List.of(new TemplateStore.VersionInfo(1, at), new TemplateStore.VersionInfo(2, at.plusSeconds(60))),
                fresh.versions("acme", "welcome"));
        assertEquals(2, fresh.maxVersion("acme", "welcome"));

        assertEquals(Optional.empty(), fresh.find("acme", "welcome", 7), "globex's version is not acme's");
        assertEquals(Optional.empty(), fresh.find("globex", "welcome", 1));
        assertEquals(Optional.empty(), fresh.latest("acme", "nope"));
        assertEquals(List.of(), fresh.versions("initech", "welcome"));
        assertEquals(0, fresh.maxVersion("initech", "welcome"));
    }

    @Test
    void aFoundVersionIsServedFromMemoryAfterwards() {
        env.assumeMutationsFinish();
        store.insert(new TemplateVersion("cached", "t", 1, "s", null, "body", Instant.EPOCH));
        TemplateStore fresh = new TemplateStore(sql, TemplateSettings.defaults());
        assertTrue(fresh.find("cached", "t", 1).isPresent());
        sql.execute("ALTER TABLE " + sql.table("templates") + " DELETE WHERE tenant = 'cached'");
        awaitDeleted();
        assertEquals("body", fresh.find("cached", "t", 1).orElseThrow().text(), "versions are immutable: kept in memory");
        assertEquals(Optional.empty(), new TemplateStore(sql, TemplateSettings.defaults()).find("cached", "t", 1));
    }

    private void awaitDeleted() {
        for (int i = 0; i < 100; i++) {
            if (sql.select("SELECT count() FROM " + sql.table("templates") + " WHERE tenant = 'cached'")
                    .getFirst().getFirst().equals("0")) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("mutation did not finish");
    }
}
