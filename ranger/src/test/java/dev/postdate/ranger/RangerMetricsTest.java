package dev.postdate.ranger;

import dev.postdate.core.testing.HealthProbe;
import dev.postdate.core.testing.Management;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The running ranger elects itself and exposes what operators watch, for Prometheus. */
class RangerMetricsTest {

    @Test
    void runningRangerLeadsAndExposesLagBacklogTickAndDueSoonMetrics() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(RangerMetricsTest.class);
             EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, env.properties());
             HttpClient http = HttpClient.newHttpClient()) {
            HealthProbe.awaitHealthy(server, Duration.ofSeconds(60));
            HttpRequest scrape = HttpRequest.newBuilder(Management.url(server, "/prometheus")).build();
            Instant deadline = Instant.now().plusSeconds(30);
            String metrics = "";
            while (Instant.now().isBefore(deadline) && !metrics.contains("postdate_ranger_leader 1.0")) {
                metrics = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
                Thread.sleep(200);
            }
            assertTrue(metrics.contains("postdate_ranger_leader 1.0"), metrics);
            for (String name : new String[]{"postdate_ranger_range_lag_seconds", "postdate_ranger_ready_backlog",
                    "postdate_ranger_ranges_emitted_total", "postdate_ranger_emails_ranged_total",
                    "postdate_ranger_tick_duration_seconds_count", "postdate_ranger_due_soon_emails",
                    "postdate_ranger_due_soon_window_seconds"}) {
                assertTrue(metrics.contains(name), name + " missing");
            }
        }
    }
}
