package dev.postdate.worker;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Claims name their worker, so two processes started from the shipped configuration must get
 * different ids: a shared id would let one worker take another's claim for its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstanceIdTest {

    private WorkerFixture fixture;

    @BeforeAll
    void setUp() {
        fixture = new WorkerFixture(getClass());
    }

    @AfterAll
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void everyProcessGetsItsOwnIdFromTheDefaultConfiguration() {
        Map<String, Object> properties = new HashMap<>(fixture.env.properties());
        properties.put("postdate.worker.enabled", "false");
        try (ApplicationContext first = ApplicationContext.run(properties);
             ApplicationContext second = ApplicationContext.run(properties)) {
            String a = first.getBean(WorkerSettings.class).instanceId();
            String b = second.getBean(WorkerSettings.class).instanceId();
            assertNotEquals(a, b);
            for (String id : new String[]{a, b}) {
                assertTrue(id.matches("worker-[A-Za-z0-9_-]+"), id);
                assertFalse(id.contains("$") || id.contains(":"), id);
            }
        }
    }
}
