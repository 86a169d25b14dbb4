package dev.postdate.core.testing;

import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A test class's private corner of the shared servers: its own ClickHouse database and its own SQS
 * queues (each with a dead-letter queue), so test classes never see each other's data. Closing it
 * drops the database and deletes the queues.
 */
public final class TestEnvironment implements AutoCloseable {

    private static final int DROP_ATTEMPTS = 5;
    private static final Duration DROP_RETRY_PAUSE = Duration.ofMillis(500);

    private static final int MAX_RECEIVES_BEFORE_DLQ = 5;
    /** Tracking token keys of the tests: 2 seals, 1 still opens (a rotation in progress). */
    public static final String TEST_TRACKING_KEYS = "2:AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=,"
            + "1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";

    private final TestServices services = TestServices.current();
    private final String database;
    private final String intakeQueue;
    private final String rangesQueue;
    private final String feedbackQueue;
    private final String trackingQueue;
    private final SqsClient sqs;
    private final List<String> queueUrls = new ArrayList<>();

    private TestEnvironment(String name) {
        String id = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_"
                + UUID.randomUUID().toString().substring(0, 8);
        this.database = "test_" + id;
        this.intakeQueue = "test-" + id.replace('_', '-') + "-intake";
        this.rangesQueue = "test-" + id.replace('_', '-') + "-ranges";
        this.feedbackQueue = "test-" + id.replace('_', '-') + "-feedback";
        this.trackingQueue = "test-" + id.replace('_', '-') + "-tracking";
        this.sqs = SqsClient.builder()
                .endpointOverride(services.sqsEndpoint())
                .region(Region.of(services.awsRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
        createWithDeadLetter(intakeQueue);
        createWithDeadLetter(rangesQueue);
        createWithDeadLetter(feedbackQueue);
        createWithDeadLetter(trackingQueue);
    }

    /** A fresh environment named after the test class using it. */
    public static TestEnvironment create(Class<?> testClass) {
        return new TestEnvironment(testClass.getSimpleName());
    }

    public TestServices services() {
        return services;
    }

    public String database() {
        return database;
    }

    public String intakeQueue() {
        return intakeQueue;
    }

    public String rangesQueue() {
        return rangesQueue;
    }

    /** The queue of the provider's notifications (the feedback consumer's). */
    public String feedbackQueue() {
        return feedbackQueue;
    }

    /** The queue of opens, clicks and unsubscribes (the tracker's, read by the feedback consumer). */
    public String trackingQueue() {
        return trackingQueue;
    }

    /**
     * Skips the calling test on the local cluster: its 18.16 servers mutate the newest quorum-written
     * part of each partition of a replicated table only after the next insert into that partition
     * (docs/clickhouse.md), so a test that waits for a mutation to finish would wait for good.
     */
    public void assumeMutationsFinish() {
        Assumptions.assumeTrue(services.clickhouseCluster().isEmpty(),
                "18.16 mutates the newest quorum-written part of a partition only after the next insert into it"
                        + " (docs/clickhouse.md)");
    }

    /** A synchronous SQS client for test assertions. */
    public SqsClient sqs() {
        return sqs;
    }

    /** Messages waiting on the queue ({@code ApproximateNumberOfMessages}). */
    public int waitingMessages(String queueName) {
        return queueAttribute(queueName, "ApproximateNumberOfMessages");
    }

    /** Messages received from the queue and hidden, not deleted yet ({@code ApproximateNumberOfMessagesNotVisible}). */
    public int messagesInFlight(String queueName) {
        return queueAttribute(queueName, "ApproximateNumberOfMessagesNotVisible");
    }

    private int queueAttribute(String queueName, String attribute) {
        String url = sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl();
        return Integer.parseInt(sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNamesWithStrings(attribute))
                .attributesAsStrings().get(attribute));
    }

    /**
     * How often each of a queue's {@code messages} visible messages was received before this look, which
     * leaves them visible (but is itself a receive each). Each receive counts towards the queue's
     * maximum receives before its dead-letter queue.
     */
    public List<Integer> receiveCountsSoFar(String queue, int messages) throws InterruptedException {
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        Map<String, Integer> counts = new HashMap<>();
        boolean all = Await.until(Duration.ofSeconds(30), () -> {
            for (Message message : sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages()) {
                // Only the first look at a message tells: later ones count this look's own receives too.
                counts.putIfAbsent(message.messageId(), Integer.parseInt(
                        message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)) - 1);
            }
            return counts.size() >= messages;
        });
        if (!all) {
            throw new IllegalStateException("saw " + counts.size() + " of " + messages + " messages on " + queue);
        }
        return List.copyOf(counts.values());
    }

    /** Micronaut properties that point a component at this environment. */
    public Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("micronaut.server.port", -1);
        properties.put("endpoints.all.port", Management.freePort());
        properties.put("postdate.management.operator-token", Management.TEST_OPERATOR_TOKEN);
        properties.put("postdate.clickhouse.url", services.clickhouseUrl());
        properties.put("postdate.clickhouse.user", services.clickhouseUser());
        properties.put("postdate.clickhouse.password", services.clickhousePassword());
        properties.put("postdate.clickhouse.database", database);
        properties.put("postdate.clickhouse.cluster", services.clickhouseCluster());
        properties.put("postdate.clickhouse.insert-quorum", services.clickhouseInsertQuorum());
        properties.put("postdate.redis.uri", services.redisUri());
        properties.put("postdate.redis.key-prefix", database + ":");
        properties.put("postdate.sqs.endpoint", services.sqsEndpoint().toString());
        properties.put("postdate.sqs.region", services.awsRegion());
        properties.put("postdate.sqs.intake-queue", intakeQueue);
        properties.put("postdate.sqs.ranges-queue", rangesQueue);
        properties.put("postdate.feedback.queue", feedbackQueue);
        properties.put("postdate.tracker.queue", trackingQueue);
        properties.put("postdate.feedback.tracking-queue", trackingQueue);
        properties.put("postdate.tracking.keys", TEST_TRACKING_KEYS);
        properties.put("postdate.ses.endpoint", services.sesEndpoint().toString());
        properties.put("postdate.ses.region", services.awsRegion());
        return properties;
    }

    private void createWithDeadLetter(String queue) {
        String dlqUrl = sqs.createQueue(r -> r.queueName(queue + "-dlq")).queueUrl();
        queueUrls.add(dlqUrl);
        String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVES_BEFORE_DLQ + "\"}";
        queueUrls.add(sqs.createQueue(r -> r.queueName(queue)
                .attributes(Map.of(QueueAttributeName.REDRIVE_POLICY, redrive))).queueUrl());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        dropDatabase();
        for (String url : queueUrls) {
            sqs.deleteQueue(r -> r.queueUrl(url));
        }
        sqs.close();
    }

    /** Plain HTTP, so that core needs no ClickHouse client for cleaning up. */
    private void dropDatabase() throws IOException, InterruptedException {
        // 18.16 takes credentials only as URL parameters, not as headers.
        String url = services.clickhouseUrl()
                + "/?user=" + URLEncoder.encode(services.clickhouseUser(), StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(services.clickhousePassword(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString("DROP DATABASE IF EXISTS " + database
                        + (services.clickhouseCluster().isEmpty() ? "" : " ON CLUSTER " + services.clickhouseCluster())))
                .build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            // A replica may still be writing a part it fetched into a table being dropped (seen on the
            // local cluster: "Directory not empty"); the next attempt finds the directory settled.
            for (int attempt = 1; ; attempt++) {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                if (attempt == DROP_ATTEMPTS) {
                    throw new IOException("Dropping " + database + " failed: " + response.body());
                }
                Thread.sleep(DROP_RETRY_PAUSE.toMillis());
            }
        }
    }
}
