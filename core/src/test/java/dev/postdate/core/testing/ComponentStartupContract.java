package dev.postdate.core.testing;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every runnable component promises: it starts against the configured servers, migrates the
 * schema and answers /health with UP. A component's test class extends this and adds nothing.
 */
public abstract class ComponentStartupContract {

    private static final Duration STARTUP = Duration.ofSeconds(60);

    @Test
    void startsAgainstRealServersAndReportsHealthy() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(getClass());
             EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, env.properties())) {
            HttpResponse<String> health = HealthProbe.awaitHealthy(server, STARTUP);
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
        }
    }
}
