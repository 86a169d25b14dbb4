package dev.postdate.clickhouse.retention;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.clickhouse.ServerVersion;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retention mutation's settings as the server in front of the test decides them (18.16 here,
 * the current engine in the compatibility run): the setting that current servers need is passed
 * exactly where the server knows it, and the server runs the mutation with it.
 */
class MutationSettingsTest {

    @Test
    void nondeterministicMutationsAreAllowedWhereTheServerKnowsTheSetting() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(MutationSettingsTest.class)) {
            ClickHouseSql sql = ClickHouseTestSupport.sqlFor(env);
            int major = ServerVersion.of(sql).major();
            Map<String, String> settings = new PayloadRetention(sql).mutationSettings();
            assertEquals(major >= 21 ? Map.of(PayloadRetention.NONDETERMINISTIC_MUTATIONS, "1") : Map.of(), settings,
                    "server " + major);

            sql.execute("CREATE DATABASE IF NOT EXISTS " + env.database());
            sql.execute("CREATE TABLE " + sql.table("mutated") + " (id String, payload String) ENGINE = MergeTree ORDER BY id");
            sql.execute("CREATE TABLE " + sql.table("settled") + " (id String) ENGINE = MergeTree ORDER BY id");
            sql.execute("INSERT INTO " + sql.table("mutated") + " VALUES ('a', 'x'), ('b', 'y')");
            sql.execute("INSERT INTO " + sql.table("settled") + " VALUES ('a')");
            sql.execute("ALTER TABLE " + sql.table("mutated") + " UPDATE payload = '' WHERE id IN (SELECT id FROM "
                    + sql.table("settled") + ")", settings);
            assertTrue(Await.until(Duration.ofSeconds(30), () -> sql.select("SELECT payload FROM " + sql.table("mutated")
                    + " WHERE id = 'a'").getFirst().getFirst().isEmpty()), "the settled email's payload is erased");
            assertEquals("y", sql.select("SELECT payload FROM " + sql.table("mutated") + " WHERE id = 'b'").getFirst().getFirst());
        }
    }
}
