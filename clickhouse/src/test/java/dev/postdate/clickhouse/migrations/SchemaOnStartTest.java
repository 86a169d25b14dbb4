package dev.postdate.clickhouse.migrations;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaOnStartTest {

    @Test
    void componentStartMigratesTheConfiguredDatabase() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(SchemaOnStartTest.class)) {
            Map<String, Object> properties = new HashMap<>(env.properties());
            properties.put("postdate.clickhouse.migrate-on-start", true);
            try (ApplicationContext context = ApplicationContext.run(properties)) {
                SchemaOnStart schema = context.getBean(SchemaOnStart.class);
                assertTrue(schema.awaitCurrent(Duration.ofSeconds(30)));
            }
        }
    }

    @Test
    void unreachableClickHouseLeavesTheSchemaNotCurrentInsteadOfFailingTheStart() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(SchemaOnStartTest.class)) {
            Map<String, Object> properties = new HashMap<>(env.properties());
            properties.put("postdate.clickhouse.migrate-on-start", true);
            properties.put("postdate.clickhouse.url", "http://127.0.0.1:1");
            try (ApplicationContext context = ApplicationContext.run(properties)) {
                SchemaOnStart schema = context.getBean(SchemaOnStart.class);
                assertFalse(schema.awaitCurrent(Duration.ofMillis(500)));
                assertEquals(false, schema.isCurrent());
            }
        }
    }

    @Test
    void aComponentStoppingWhileAnotherMigratorHoldsTheLockStopsWaitingAndLeavesThatLock() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(SchemaOnStartTest.class)) {
            ClickHouseSql sql = ClickHouseTestSupport.sqlFor(env);
            sql.execute("CREATE DATABASE IF NOT EXISTS " + env.database() + sql.onCluster());
            MigrationLock.Held held = MigrationLock.of(sql, Duration.ofHours(1), "another component").acquire();
            Map<String, Object> properties = new HashMap<>(env.properties());
            properties.put("postdate.clickhouse.migrate-on-start", true);
            ApplicationContext context = ApplicationContext.run(properties);
            SchemaOnStart schema = context.getBean(SchemaOnStart.class);
            assertFalse(schema.awaitCurrent(Duration.ofSeconds(2)), "migrated while another migrator held the lock");

            // A hang guard, not a speed claim: without the interrupt the wait would last the lock's hour.
            assertTimeoutPreemptively(Duration.ofSeconds(60), context::close);
            assertEquals("1", sql.select("EXISTS TABLE " + sql.table(MigrationLock.TABLE)).getFirst().getFirst(),
                    "the holder's lock is left to the holder");
            held.close();
            assertEquals("0", sql.select("EXISTS TABLE " + sql.table(MigrationLock.TABLE)).getFirst().getFirst());
        }
    }
}
