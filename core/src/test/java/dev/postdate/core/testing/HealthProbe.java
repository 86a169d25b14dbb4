package dev.postdate.core.testing;

import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads a running component's /health on its management port the way the launcher and a load
 * balancer do, as an operator (with the token), so that the body names each indicator.
 */
public final class HealthProbe {

    private HealthProbe() {
    }

    /** Polls /health until it answers 200 or the timeout passes, and returns the last body seen. */
    public static HttpResponse<String> awaitHealthy(EmbeddedServer server, Duration timeout)
            throws IOException, InterruptedException {
        return awaitStatus(server, 200, timeout);
    }

    /** Polls /health until it answers this status (503: some indicator is DOWN) or the timeout passes. */
    public static HttpResponse<String> awaitStatus(EmbeddedServer server, int status, Duration timeout)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(Management.url(server, "/health"))
                    .header("Authorization", "Bearer " + Management.TEST_OPERATOR_TOKEN).build();
            while (true) {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == status || Instant.now().isAfter(deadline)) {
                    return response;
                }
                Thread.sleep(100);
            }
        }
    }
}
