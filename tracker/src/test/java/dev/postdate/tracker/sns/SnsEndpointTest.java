package dev.postdate.tracker.sns;

import dev.postdate.core.testing.SnsTestSigner;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /sns against a real SQS (ElasticMQ), with SNS messages the test signs itself
 * ({@link SnsTestSigner}): signed notifications reach the feedback queue as they came; forged, foreign
 * and misdirected ones do not, and a confirmation is fetched from SNS's host only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnsEndpointTest {

    private static final String BOUNCE = "{\"eventType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
            + "\"feedbackId\":\"fb-1\",\"bouncedRecipients\":[{\"emailAddress\":\"gone@example.org\"}],"
            + "\"timestamp\":\"2026-12-06T10:00:01.000Z\"},\"mail\":{\"messageId\":\"prov-1\"}}";

    private final HttpClient http = HttpClient.newHttpClient();
    private TestEnvironment env;
    private SnsTestSigner sns;
    private EmbeddedServer tracker;
    private String feedbackQueueUrl;

    @BeforeAll
    void start() throws Exception {
        env = TestEnvironment.create(getClass());
        sns = new SnsTestSigner();
        Map<String, Object> properties = new HashMap<>(env.properties());
        properties.putAll(sns.trackerProperties(env.feedbackQueue()));
        tracker = ApplicationContext.run(EmbeddedServer.class, properties);
        feedbackQueueUrl = env.sqs().getQueueUrl(r -> r.queueName(env.feedbackQueue())).queueUrl();
    }

    @AfterAll
    void stop() throws Exception {
        if (tracker != null) {
            tracker.close();
        }
        if (sns != null) {
            sns.close();
        }
        env.close();
    }

    @Test
    void signedNotificationsReachTheFeedbackQueueAsTheyCame() throws Exception {
        for (String version : List.of("1", "2")) {
            String body = sns.signed(sns.notification("m-v" + version, BOUNCE), version);
            assertEquals(200, post(body).statusCode(), "SignatureVersion " + version);
            assertEquals(List.of(body), received(1));
        }
    }

    @Test
    void forgedForeignAndMalformedMessagesAreRefused() throws Exception {
        String body = sns.signed(sns.notification("m-forged", BOUNCE), "2")
                .replace("\\\"Permanent\\\"", "\\\"Transient\\\"");
        assertTrue(body.contains("Transient"), body);
        assertEquals(403, post(body).statusCode(), "a message changed after signing");

        Map<String, String> otherHost = sns.notification("m-other-host", BOUNCE);
        otherHost.put("SigningCertURL", sns.certificateUrl().replace("127.0.0.1", "localhost"));
        assertEquals(403, post(sns.signed(otherHost, "2")).statusCode(), "a certificate from a host that is not SNS's");

        Map<String, String> otherTopic = sns.notification("m-other-topic", BOUNCE);
        otherTopic.put("TopicArn", "arn:aws:sns:us-east-1:999999999999:someone-else");
        assertEquals(403, post(sns.signed(otherTopic, "2")).statusCode(), "a topic that is not configured");

        assertEquals(403, post(sns.signed(sns.notification("m-v3", BOUNCE), "3")).statusCode(),
                "an unknown signature version");
        assertEquals(400, post("{\"Type\":\"Notification\"}").statusCode());
        assertEquals(400, post("not json").statusCode());
        assertEquals(List.of(), received(0), "nothing reached the feedback queue");
    }

    @Test
    void replaysAndCertificatesThatAreNotSnssSigningOnesAreRefused() throws Exception {
        String replayed = sns.signed(sns.notification("m-old", BOUNCE, Instant.now().minus(Duration.ofHours(2))), "2");
        assertEquals(403, post(replayed).statusCode(), "signed by SNS, but two hours old");

        try (SnsTestSigner otherService = new SnsTestSigner("s3.amazonaws.com")) {
            assertEquals(403, post(otherService.signed(otherService.notification("m-other-cn", BOUNCE), "2")).statusCode(),
                    "a certificate on an SNS host that is not SNS's signing certificate");
        }
        assertEquals(List.of(), received(0), "nothing reached the feedback queue");
    }

    @Test
    void aSignedSubscriptionConfirmationIsConfirmedOnSnsHostsOnly() throws Exception {
        int before = sns.confirmations();
        assertEquals(200, post(sns.signed(sns.confirmation(sns.subscribeUrl("127.0.0.1", "t1")), "2")).statusCode());
        assertEquals(before + 1, sns.confirmations());

        assertEquals(502, post(sns.signed(sns.confirmation(sns.subscribeUrl("localhost", "t2")), "2")).statusCode());
        assertEquals(before + 1, sns.confirmations(), "a SubscribeURL off SNS's hosts is not fetched");
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(tracker.getURI() + "/sns"))
                .header("Content-Type", "text/plain; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The bodies on the feedback queue, deleted; waits for {@code expected} of them (0: one short look). */
    private List<String> received(int expected) {
        List<String> bodies = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(expected == 0 ? 2 : 30).toNanos();
        while (System.nanoTime() < deadline && (expected == 0 || bodies.size() < expected)) {
            for (Message message : env.sqs().receiveMessage(r -> r.queueUrl(feedbackQueueUrl).waitTimeSeconds(1)
                    .maxNumberOfMessages(10)).messages()) {
                bodies.add(message.body());
                env.sqs().deleteMessage(r -> r.queueUrl(feedbackQueueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        return bodies;
    }
}
