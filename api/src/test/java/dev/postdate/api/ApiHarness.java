package dev.postdate.api;

import dev.postdate.clickhouse.keys.ApiKeyStore;
import dev.postdate.clickhouse.migrations.SchemaOnStart;
import dev.postdate.clickhouse.senders.SenderIdentityStore;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.intake.PackedEmail;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.Management;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A running api on a test environment, with an HTTP client, key creation and a view of the intake queue. */
final class ApiHarness implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    /** A receive that finds nothing for this long counts as "the queue holds nothing more". */
    private static final int QUIET_SECONDS = 1;

    record Response(int status, String contentType, String body, JsonNode json, HttpHeaders headers) {
    }

    final TestEnvironment env;
    final EmbeddedServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json;
    private final IntakePacketCodec codec;
    private final String intakeUrl;

    private ApiHarness(TestEnvironment env, EmbeddedServer server) {
        this.env = env;
        this.server = server;
        this.json = server.getApplicationContext().getBean(JsonMapper.class);
        // Kept, so that the queue can still be read after the api stopped.
        this.codec = server.getApplicationContext().getBean(IntakePacketCodec.class);
        this.intakeUrl = env.sqs().getQueueUrl(r -> r.queueName(env.intakeQueue())).queueUrl();
    }

    static ApiHarness start(Class<?> testClass, Map<String, Object> overrides) throws InterruptedException {
        TestEnvironment env = TestEnvironment.create(testClass);
        Map<String, Object> properties = new HashMap<>(env.properties());
        properties.put("postdate.api.keys-refresh", "200ms");
        properties.putAll(overrides);
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties);
        assertTrue(server.getApplicationContext().getBean(SchemaOnStart.class).awaitCurrent(DEADLINE), "schema");
        return new ApiHarness(env, server);
    }

    static String newTenant() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    <T> T bean(Class<T> type) {
        return server.getApplicationContext().getBean(type);
    }

    /** The sender identity {@link #createKey} gives every tenant: the domain of the test emails' from. */
    static final String SENDER_DOMAIN = "example.org";

    /**
     * A key of the tenant that the api already accepts, the tenant allowed to send from
     * {@link #SENDER_DOMAIN} and {@code extraSenders}: the api loads identities before keys, so they
     * are in force once the key is.
     */
    String createKey(String tenant, String... extraSenders) throws Exception {
        SenderIdentityStore senders = bean(SenderIdentityStore.class);
        senders.add(tenant, SENDER_DOMAIN);
        for (String identity : extraSenders) {
            senders.add(tenant, identity);
        }
        String key = bean(ApiKeyStore.class).create(tenant).key();
        awaitStatus(key, 404);
        return key;
    }

    /** Polls an authenticated read of an unknown email until it answers the status (404: key accepted). */
    void awaitStatus(String key, int status) throws Exception {
        Response[] last = new Response[1];
        boolean answered = Await.until(DEADLINE, () -> {
            try {
                last[0] = get(key, "/v1/emails/" + UUID.randomUUID());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return last[0].status() == status;
        });
        assertTrue(answered, () -> "expected " + status + ", still " + last[0].status() + " " + last[0].body());
    }

    Response post(String key, String path, String body) throws IOException, InterruptedException {
        return send(request(key, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response patch(String key, String path, String body) throws IOException, InterruptedException {
        return send(request(key, path).header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    Response get(String key, String path) throws IOException, InterruptedException {
        return send(request(key, path).GET());
    }

    /** An anonymous GET on the management port (health, prometheus). */
    Response management(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(Management.url(server, path)).GET());
    }

    Response delete(String key, String path) throws IOException, InterruptedException {
        return send(request(key, path).DELETE());
    }

    HttpRequest.Builder request(String key, String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.getURL() + path));
        return key == null ? builder : builder.header("Authorization", "Bearer " + key);
    }

    Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        JsonNode tree = contentType.contains("json") && !response.body().isEmpty()
                ? json.readValue(response.body(), Argument.of(JsonNode.class)) : null;
        return new Response(response.statusCode(), contentType, response.body(), tree, response.headers());
    }

    /** Receives (and deletes) intake messages until they hold {@code count} emails; fails on more. */
    List<ScheduledEmail> awaitIntake(int count) {
        List<ScheduledEmail> emails = new ArrayList<>();
        Instant deadline = Instant.now().plus(DEADLINE);
        while (emails.size() < count && Instant.now().isBefore(deadline)) {
            emails.addAll(receive(1));
        }
        emails.addAll(receive(QUIET_SECONDS));
        assertEquals(count, emails.size(), "emails in the intake queue");
        return emails;
    }

    void assertIntakeEmpty() {
        assertEquals(List.of(), receive(QUIET_SECONDS), "intake queue");
    }

    private List<ScheduledEmail> receive(int waitSeconds) {
        List<Message> messages = env.sqs().receiveMessage(r -> r.queueUrl(intakeUrl)
                .maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)).messages();
        List<ScheduledEmail> emails = new ArrayList<>();
        for (Message message : messages) {
            for (PackedEmail email : codec.decode(message.body()).emails()) {
                emails.add(new ScheduledEmail(email.id(), email.tenant(), email.batchId(), email.sendAt(),
                        email.acceptedAt(), content(email)));
            }
            env.sqs().deleteMessage(r -> r.queueUrl(intakeUrl).receiptHandle(message.receiptHandle()));
        }
        return emails;
    }

    private EmailContent content(PackedEmail email) {
        try {
            return json.readValue(email.content(), EmailContent.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fields a problem+json answer names, in its order. */
    static List<String> problemFields(Response problem) {
        assertEquals("application/problem+json", problem.contentType(), problem.body());
        List<String> fields = new ArrayList<>();
        problem.json().get("errors").values().forEach(e -> fields.add(e.get("field").getStringValue()));
        return fields;
    }

    /** A minimal valid email as JSON, with extra fields (raw JSON members) appended. */
    static String email(String... extraMembers) {
        StringBuilder out = new StringBuilder("{\"to\":{\"email\":\"ada@example.com\",\"name\":\"Ada\"},"
                + "\"from\":\"news@example.org\",\"subject\":\"Hello\",\"text\":\"Hi Ada\"");
        for (String member : extraMembers) {
            out.append(',').append(member);
        }
        return out.append('}').toString();
    }

    static String batch(List<String> emails) {
        return "{\"emails\":[" + String.join(",", emails) + "]}";
    }

    @Override
    public void close() throws Exception {
        server.close();
        http.close();
        env.close();
    }
}
