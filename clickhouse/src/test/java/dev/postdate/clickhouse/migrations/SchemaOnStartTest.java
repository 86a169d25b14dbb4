package dev.postdate.clickhouse.migrations;

import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
