package dev.postdate.tracker;

import dev.postdate.core.testing.Management;
import dev.postdate.core.testing.TestEnvironment;
import dev.postdate.core.tracking.TrackingEvent;
import dev.postdate.core.tracking.TrackingKeys;
import dev.postdate.core.tracking.TrackingToken;
import dev.postdate.core.tracking.TrackingTokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tracker against a real SQS (ElasticMQ): each counting answer comes after its event is on the
 * tracking queue, a token that does not open redirects nowhere, and without SQS nothing is answered
 * as if counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrackerTest {

    private static final TrackingToken CLICK = new TrackingToken(TrackingToken.Kind.CLICK, "acme", "e-1", "b-1",
            "dora@example.com", "", 3, "https://shop.example.org/offer?id=7");
    private static final TrackingToken UNSUBSCRIBE = new TrackingToken(TrackingToken.Kind.UNSUBSCRIBE, "acme", "e-1",
            "campaign.c-1.2", "dora@example.com", "news", 0, "");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final TrackingTokens tokens = new TrackingTokens(TrackingKeys.parse(TestEnvironment.TEST_TRACKING_KEYS));
    private TestEnvironment env;
    private EmbeddedServer server;
    private ObjectMapper json;
    private String queueUrl;

    @BeforeAll
    void start() {
        env = TestEnvironment.create(getClass());
        server = ApplicationContext.run(EmbeddedServer.class, env.properties());
        json = server.getApplicationContext().getBean(ObjectMapper.class);
        queueUrl = env.sqs().getQueueUrl(r -> r.queueName(env.trackingQueue())).queueUrl();
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        env.close();
    }

    @Test
    void aClickRedirectsOnceItsEventIsOnTheQueue() throws Exception {
        HttpResponse<String> response = get("/c/" + tokens.seal(CLICK));
        assertEquals(302, response.statusCode());
        assertEquals(CLICK.url(), response.headers().firstValue("Location").orElseThrow());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
        TrackingEvent event = onlyEvent();
        assertEquals(TrackingEvent.CLICKED, event.type());
        assertEquals(List.of("acme", "e-1", "b-1", "dora@example.com", "https://shop.example.org/offer?id=7"),
                List.of(event.tenant(), event.emailId(), event.batchId(), event.recipient(), event.url()));
        assertEquals(3, event.link());
    }

    @Test
    void aChangedOrMisusedTokenIsA404ThatRedirectsNowhereAndAHeadCountsNothing() throws Exception {
        String sealed = tokens.seal(CLICK);
        String changed = sealed.substring(0, sealed.length() - 2) + (sealed.endsWith("A") ? "BB" : "AA");
        for (String path : List.of("/c/" + changed, "/c/" + tokens.seal(UNSUBSCRIBE), "/u/" + sealed,
                "/o/" + sealed, "/c/" + new TrackingTokens(TrackingKeys.parse("1:" + "A".repeat(43) + "=")).seal(CLICK))) {
            HttpResponse<String> response = get(path);
            assertEquals(404, response.statusCode(), path);
            assertTrue(response.headers().firstValue("Location").isEmpty(), path);
        }
        HttpResponse<Void> head = http.send(request("/c/" + sealed).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(302, head.statusCode(), "a HEAD is answered like the GET");
        get("/c/" + sealed);
        assertEquals(TrackingEvent.CLICKED, onlyEvent().type(), "only the valid GET is counted, not the HEAD");
    }

    @Test
    void thePixelIsAGifAndCountsAnOpen() throws Exception {
        TrackingToken open = new TrackingToken(TrackingToken.Kind.OPEN, "acme", "", "b-2", "", "", 0, "");
        HttpResponse<byte[]> response = http.send(request("/o/" + tokens.seal(open)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("image/gif", response.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(new byte[]{'G', 'I', 'F'}, java.util.Arrays.copyOf(response.body(), 3));
        TrackingEvent event = onlyEvent();
        assertEquals(TrackingEvent.OPENED, event.type());
        assertEquals("", event.emailId(), "anonymous");
    }

    @Test
    void aGetShowsTheConfirmationAndCountsNothingAndAOneClickPostUnsubscribes() throws Exception {
        String path = "/u/" + tokens.seal(UNSUBSCRIBE);
        HttpResponse<String> page = get(path);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("d***@example.com"), page.body());
        assertFalse(page.body().contains("dora@"), "the address is masked");
        assertTrue(page.body().contains("<form method=\"post\">") && page.body().contains("news"), page.body());

        HttpResponse<String> oneClick = post(path, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");
        assertEquals(200, oneClick.statusCode());
        TrackingEvent event = onlyEvent();
        assertEquals(TrackingEvent.UNSUBSCRIBED, event.type(), "the GET counted nothing");
        assertEquals(TrackingEvent.SCOPE_TOPIC, event.scope());
        assertEquals("news", event.topic());

        assertEquals(200, post(path, "application/x-www-form-urlencoded", "scope=all").statusCode());
        assertEquals(TrackingEvent.SCOPE_ALL, onlyEvent().scope());
    }

    @Test
    void withoutSqsNothingIsAnsweredAsCounted() throws Exception {
        Map<String, Object> properties = new HashMap<>(env.properties());
        properties.put("postdate.sqs.endpoint", "http://127.0.0.1:" + closedPort());
        properties.put("postdate.tracker.publish-timeout", "2s");
        properties.put("endpoints.all.port", Management.freePort());
        try (EmbeddedServer down = ApplicationContext.run(EmbeddedServer.class, properties)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(down.getURI().resolve("/c/" + tokens.seal(CLICK)))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, response.statusCode());
            assertTrue(response.headers().firstValue("Location").isEmpty());
            assertEquals("5", response.headers().firstValue("Retry-After").orElseThrow());
        }
    }

    /** The one event of the next message on the queue, which is deleted. */
    private TrackingEvent onlyEvent() throws IOException {
        List<TrackingEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (events.isEmpty() && System.nanoTime() < deadline) {
            for (Message message : env.sqs().receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(2)
                    .maxNumberOfMessages(10)).messages()) {
                events.addAll(json.readValue(message.body(), Argument.listOf(TrackingEvent.class)));
                env.sqs().deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        assertEquals(1, events.size(), events.toString());
        return events.getFirst();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String type, String body) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.getURI() + path)).timeout(Duration.ofSeconds(30));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
