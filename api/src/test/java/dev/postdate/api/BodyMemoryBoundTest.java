package dev.postdate.api;

import dev.postdate.clickhouse.ClickHouseClientFactory;
import dev.postdate.clickhouse.ClickHouseSettings;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.keys.ApiKeyStore;
import dev.postdate.clickhouse.senders.SenderIdentityStore;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.Management;
import dev.postdate.core.testing.TestEnvironment;
import dev.postdate.core.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An api process with the production heap (-Xmx512m, exiting on OutOfMemoryError) receives 20
 * maximal (just under 32 MB) bodies at once: it answers each with 202, a 4xx or 503 with Retry-After,
 * stays up and healthy, and accepts a normal request afterwards.
 */
class BodyMemoryBoundTest {

    private static final int CLIENTS = 20;
    private static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;
    private static final int EMAILS = 1000;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Test
    void twentyConcurrentMaximalBodiesLeaveA512MbApiUpAndAnswering() throws Exception {
        Path log = Files.createTempFile("postdate-api-", ".log");
        try (TestEnvironment env = TestEnvironment.create(BodyMemoryBoundTest.class);
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            int port = Management.freePort();
            int managementPort = Management.freePort();
            Map<String, Object> properties = new HashMap<>(env.properties());
            properties.put("micronaut.server.port", port);
            properties.put("endpoints.all.port", managementPort);
            Process api = startApi(properties, log);
            try {
                URI base = URI.create("http://127.0.0.1:" + port);
                URI health = URI.create("http://127.0.0.1:" + managementPort + "/health");
                assertTrue(Await.until(DEADLINE, () -> answers(http, health) == 200), () -> "api did not start: " + tail(log));
                String tenant = ApiHarness.newTenant();
                ClickHouseSql sql = sql(env);
                new SenderIdentityStore(sql, Clock.systemUTC()).add(tenant, ApiHarness.SENDER_DOMAIN);
                String key = new ApiKeyStore(sql, Clock.systemUTC()).create(tenant).key();

                byte[] body = maximalBatch();
                assertTrue(body.length < MAX_REQUEST_BYTES && body.length > MAX_REQUEST_BYTES - 64 * 1024, "" + body.length);
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
                    for (int i = 0; i < CLIENTS; i++) {
                        answers.add(clients.submit(() -> http.send(HttpRequest.newBuilder(base.resolve("/v1/emails/batch"))
                                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                        .timeout(DEADLINE).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.ofString())));
                    }
                }
                int refused = 0;
                for (Future<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> response = answer.get();
                    int status = response.statusCode();
                    assertTrue(status == 202 || status == 503 || (status >= 400 && status < 500),
                            status + " " + response.body());
                    if (status == 503) {
                        refused++;
                        assertTrue(response.headers().firstValue("Retry-After").isPresent(), response.headers().toString());
                    }
                }
                assertTrue(refused > 0 && refused < CLIENTS, refused + " of " + CLIENTS + " refused with 503");

                assertTrue(api.isAlive(), () -> "the api died: " + tail(log));
                assertEquals(200, answers(http, health));
                HttpResponse<String> normal = http.send(HttpRequest.newBuilder(base.resolve("/v1/emails"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(ApiHarness.email())).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, normal.statusCode(), normal.body());
                assertTrue(!tail(log).contains("OutOfMemoryError"), () -> tail(log));
            } finally {
                api.destroy();
                api.waitFor();
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static Process startApi(Map<String, Object> properties, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+ExitOnOutOfMemoryError"));
        properties.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ApiApplication.class.getName()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** 1,000 emails whose texts fill the body to just under the largest request; the last lacks its recipient (422). */
    private static byte[] maximalBatch() {
        int frame = batchWithTexts("").length;
        return batchWithTexts("x".repeat((MAX_REQUEST_BYTES - 16 * 1024 - frame) / EMAILS));
    }

    private static byte[] batchWithTexts(String text) {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < EMAILS - 1; i++) {
            emails.add(ApiHarness.email().replace("\"text\":\"Hi Ada\"", "\"text\":\"" + text + "\""));
        }
        emails.add("{\"from\":\"news@example.org\",\"subject\":\"Hello\",\"text\":\"" + text + "\"}");
        return ApiHarness.batch(emails).getBytes(StandardCharsets.UTF_8);
    }

    private static ClickHouseSql sql(TestEnvironment env) {
        TestServices services = env.services();
        return new ClickHouseSql(ClickHouseClientFactory.newClient(new ClickHouseSettings(
                services.clickhouseUrl(), services.clickhouseUser(), services.clickhousePassword(), env.database(), false,
                services.clickhouseCluster(), services.clickhouseInsertQuorum(), Duration.ofSeconds(10), false,
                Duration.ofSeconds(2))),
                env.database(), services.clickhouseCluster());
    }

    private static int answers(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 4000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
