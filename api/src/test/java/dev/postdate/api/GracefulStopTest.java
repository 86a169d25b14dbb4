package dev.postdate.api;

import dev.postdate.core.testing.Await;
import dev.postdate.core.email.ScheduledEmail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM while a request waits for SQS: the api refuses new connections at once, still answers the
 * request in flight with 202 once SQS holds its email, and stops within its grace period.
 */
class GracefulStopTest {

    private static final Duration GRACE = Duration.ofSeconds(5);
    /** Stopping the rest of the context after the drain; generous for a loaded 2-CPU machine. */
    private static final Duration SLACK = Duration.ofSeconds(10);

    private ApiHarness api;

    @BeforeEach
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of("test.gate-intake", "true",
                "micronaut.lifecycle.graceful-shutdown.grace-period", GRACE.toMillis() + "ms"));
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void aRequestInFlightAtShutdownIsAnswered202AndItsEmailIsQueued() throws Exception {
        String key = api.createKey(ApiHarness.newTenant());
        GatedIntakePublisher publisher = api.bean(GatedIntakePublisher.class);
        publisher.gate.drainPermits();
        CompletableFuture<ApiHarness.Response> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return api.post(key, "/v1/emails", ApiHarness.email());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(Await.until(Duration.ofSeconds(30), publisher.gate::hasQueuedThreads), "the request reached the send");

        long started = System.nanoTime();
        // What the shutdown hook runs on SIGTERM.
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(api.server::stop);
        assertTrue(Await.until(Duration.ofSeconds(5), this::refusesNewConnections), "new connections refused while draining");
        publisher.gate.release(Integer.MAX_VALUE / 2);

        ApiHarness.Response response = inFlight.get(30, TimeUnit.SECONDS);
        assertEquals(202, response.status(), response.body());
        stopping.get(GRACE.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(GRACE.plus(SLACK)) < 0, "stopped in " + took);

        List<ScheduledEmail> queued = api.awaitIntake(1);
        assertEquals(response.json().get("id").getStringValue(), queued.getFirst().id());
    }

    private boolean refusesNewConnections() {
        try (HttpClient http = HttpClient.newHttpClient()) {
            http.send(HttpRequest.newBuilder(URI.create(api.server.getURL() + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return false;
        } catch (IOException refused) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

}
