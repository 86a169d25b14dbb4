package dev.postdate.worker;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.clickhouse.status.EmailStatusStore;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.TemplateRef;
import dev.postdate.core.range.RangeBounds;
import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.state.BatchControls;
import dev.postdate.core.state.EmailStatus;
import dev.postdate.core.state.SendGuard;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.TestEnvironment;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import io.micronaut.serde.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Real ClickHouse, Redis, SQS (and the SES emulator) for worker tests: a control context (worker
 * off) to migrate, insert emails the way the ingest consumer stores them and publish ranges the way
 * the ranger does; worker contexts started and closed at will.
 */
final class WorkerFixture implements AutoCloseable {

    /** One stored email as a test sees it. */
    record Stored(String id, String tenant, String batchId, long sendAt, long seq, String to, String subject) { }

    final TestEnvironment env;
    final ApplicationContext control;
    final ClickHouseSql sql;
    final ObjectMapper json;
    final SendGuard guard;
    final BatchControls batches;
    final EmailStatusStore statuses;
    private final List<ApplicationContext> workers = new ArrayList<>();
    private final AtomicLong seq = new AtomicLong(1000);
    final String token = UUID.randomUUID().toString().substring(0, 8);

    WorkerFixture(Class<?> testClass) {
        env = TestEnvironment.create(testClass);
        Map<String, Object> properties = new HashMap<>(env.properties());
        properties.put("postdate.worker.enabled", "false");
        properties.put("postdate.clickhouse.migrate-on-start", "false");
        control = ApplicationContext.run(properties);
        sql = control.getBean(ClickHouseSql.class);
        new Migrator(sql).migrate();
        json = control.getBean(ObjectMapper.class);
        guard = control.getBean(SendGuard.class);
        batches = control.getBean(BatchControls.class);
        statuses = control.getBean(EmailStatusStore.class);
    }

    /** Fast timings so that retries happen within a test. */
    Map<String, Object> workerProperties(String instanceId, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(env.properties());
        properties.put("postdate.worker.instance-id", instanceId);
        properties.put("postdate.worker.receive-wait", "1s");
        properties.put("postdate.worker.visibility-timeout", "10s");
        properties.put("postdate.worker.visibility-heartbeat", "3s");
        properties.put("postdate.worker.short-read-backoff", "1s");
        properties.put("postdate.worker.paused-backoff", "1s");
        properties.put("postdate.worker.failure-backoff", "1s");
        properties.put("postdate.worker.failure-max-backoff", "4s");
        properties.put("postdate.worker.stop-grace", "2s");
        properties.put("postdate.worker.retry-initial-backoff", "20ms");
        properties.put("postdate.worker.retry-max-backoff", "100ms");
        properties.put("postdate.worker.batch-control-cache", "0s");
        properties.put("test.record-sends", "true");
        properties.putAll(extra);
        return properties;
    }

    ApplicationContext startWorker(String instanceId, Map<String, Object> extra) {
        ApplicationContext worker = ApplicationContext.run(workerProperties(instanceId, extra));
        workers.add(worker);
        return worker;
    }

    static RecordingSenders recorder(ApplicationContext worker) {
        return worker.getBean(RecordingSenders.class);
    }

    static WorkerMetrics metrics(ApplicationContext worker) {
        return worker.getBean(WorkerMetrics.class);
    }

    /** Emails due a minute ago, each to its own recipient, with literal personalized bodies. */
    List<Stored> insert(String tenant, String batchId, int count) {
        return insert(tenant, batchId, count, i -> null);
    }

    List<Stored> insert(String tenant, String batchId, int count, java.util.function.IntFunction<String> subjectOverride) {
        return insert(tenant, batchId, count, subjectOverride, i -> Map.of("name", "Reader <" + i + ">", "points", i * 10));
    }

    /** As above, with each template email's data given by its index. */
    List<Stored> insert(String tenant, String batchId, int count, java.util.function.IntFunction<String> subjectOverride,
                        java.util.function.IntFunction<Map<String, Object>> templateData) {
        return insert(tenant, batchId, count, subjectOverride, templateData, i -> null, i -> null);
    }

    /** Literal emails, each with the consent topic given by its index (null: none). */
    List<Stored> insertWithTopics(String tenant, int count, java.util.function.IntFunction<String> topic) {
        return insert(tenant, "", count, i -> null, i -> Map.of(), topic, i -> null);
    }

    /** Emails that may not be sent after {@code expiresAt} (null: no limit). */
    List<Stored> insertExpiring(String tenant, int count, java.util.function.IntFunction<Instant> expiresAt) {
        return insert(tenant, "", count, i -> null, i -> Map.of(), i -> null, expiresAt);
    }

    private List<Stored> insert(String tenant, String batchId, int count, java.util.function.IntFunction<String> subjectOverride,
                                java.util.function.IntFunction<Map<String, Object>> templateData,
                                java.util.function.IntFunction<String> topic,
                                java.util.function.IntFunction<Instant> expiresAt) {
        List<EmailContent> contents = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String to = "r" + i + "-" + token + "@example.com";
            String subject = subjectOverride.apply(i) != null ? subjectOverride.apply(i) : "Hello " + i + " " + token;
            // "TEMPLATE" refers to a template that does not exist; "TEMPLATE:<name>" to version 1 of a stored one.
            TemplateRef template = subject.startsWith("TEMPLATE")
                    ? new TemplateRef(subject.equals("TEMPLATE") ? "missing" : subject.substring("TEMPLATE:".length()), 1)
                    : null;
            subjects.add(subject);
            contents.add(template == null
                    ? new EmailContent(new Address(to, "Reader " + i), new Address("news@example.org", "News"), null,
                    subject, "<p>Hi reader " + i + "</p>", "Hi reader " + i, null, null,
                    Map.of("X-Campaign", "c-" + token), List.of(), topic.apply(i), expiresAt.apply(i), null)
                    : new EmailContent(new Address(to, "Reader " + i), new Address("news@example.org", "News"), null,
                    null, null, null, template, templateData.apply(i),
                    Map.of("X-Campaign", "c-" + token), List.of(), topic.apply(i), expiresAt.apply(i), null));
        }
        return store(tenant, batchId, contents, subjects);
    }

    /** Emails due a minute ago with exactly these contents. */
    List<Stored> insertContents(String tenant, String batchId, List<EmailContent> contents) {
        return store(tenant, batchId, contents, contents.stream().map(EmailContent::subject).toList());
    }

    private List<Stored> store(String tenant, String batchId, List<EmailContent> contents, List<String> subjects) {
        long sendAt = Instant.now().getEpochSecond() - 60;
        List<Stored> stored = new ArrayList<>();
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < contents.size(); i++) {
            EmailContent content = contents.get(i);
            String id = UUID.randomUUID().toString();
            long s = seq.incrementAndGet();
            stored.add(new Stored(id, tenant, batchId, sendAt, s, content.to().email(), subjects.get(i)));
            if (!values.isEmpty()) {
                values.append(", ");
            }
            values.append("(toDateTime(").append(sendAt).append(", 'UTC'), ").append(s).append(", ")
                    .append(dev.postdate.clickhouse.SqlLiteral.string(id)).append(", ")
                    .append(dev.postdate.clickhouse.SqlLiteral.string(tenant)).append(", ")
                    .append(dev.postdate.clickhouse.SqlLiteral.string(batchId)).append(", toDateTime(").append(sendAt)
                    .append(", 'UTC'), ").append(dev.postdate.clickhouse.SqlLiteral.string(encode(content))).append(")");
        }
        sql.execute("INSERT INTO " + sql.table("emails")
                + " (send_at, seq, id, tenant, batch_id, accepted_at, payload) VALUES " + values);
        return stored;
    }

    /** The range the ranger would cut around exactly these emails. */
    static RangeMessage rangeOf(String rangeId, List<Stored> emails, int expected) {
        long minSendAt = emails.stream().mapToLong(Stored::sendAt).min().orElseThrow();
        long maxSendAt = emails.stream().mapToLong(Stored::sendAt).max().orElseThrow();
        long minSeq = emails.stream().mapToLong(Stored::seq).min().orElseThrow();
        long maxSeq = emails.stream().mapToLong(Stored::seq).max().orElseThrow();
        return new RangeMessage(rangeId, 1, new RangeBounds(minSendAt - 1, maxSendAt, minSeq - 1, maxSeq, null, null),
                expected, 1);
    }

    void publish(RangeMessage range) {
        String url = env.sqs().getQueueUrl(r -> r.queueName(env.rangesQueue())).queueUrl();
        env.sqs().sendMessage(r -> r.queueUrl(url).messageBody(encode(range)));
    }

    int messagesLeft(String queue) {
        String url = env.sqs().getQueueUrl(r -> r.queueName(queue)).queueUrl();
        Map<String, String> attributes = env.sqs().getQueueAttributes(r -> r.queueUrl(url).attributeNamesWithStrings(
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                "ApproximateNumberOfMessagesDelayed")).attributesAsStrings();
        return Integer.parseInt(attributes.get("ApproximateNumberOfMessages"))
                + Integer.parseInt(attributes.get("ApproximateNumberOfMessagesNotVisible"))
                + Integer.parseInt(attributes.getOrDefault("ApproximateNumberOfMessagesDelayed", "0"));
    }

    List<EmailEvent> events(Stored email) {
        return statuses.events(email.tenant(), email.id());
    }

    /** The email's state by event precedence, as the api computes it from ClickHouse. */
    EmailStatus state(Stored email) {
        return events(email).stream().map(EmailEvent::state).reduce(EmailStatus.SCHEDULED, EmailStatus::max);
    }

    StatefulRedisConnection<String, String> redis() {
        @SuppressWarnings("unchecked")
        StatefulRedisConnection<String, String> connection = control.getBean(StatefulRedisConnection.class);
        return connection;
    }

    String encode(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Emails the SES emulator holds whose recipient carries this fixture's token. */
    List<Map<String, Object>> sesEmails() throws IOException, InterruptedException {
        return sesEmails(env.services().sesEndpoint());
    }

    /** Emails the SES emulator at this endpoint holds whose recipient carries this fixture's token. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> sesEmails(URI endpoint) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create(endpoint + "/store")).build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Object> store = json.readValue(response.body(), Map.class);
            List<Map<String, Object>> emails = (List<Map<String, Object>>) store.get("emails");
            return emails.stream().filter(e -> String.valueOf(e.get("destination")).contains(token)).toList();
        }
    }

    /** Polls until the condition holds or the timeout passes; returns whether it held. */
    static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        return Await.until(timeout, condition);
    }

    void closeWorkers() {
        workers.forEach(ApplicationContext::close);
        workers.clear();
    }

    @Override
    public void close() throws Exception {
        closeWorkers();
        control.close();
        env.close();
    }
}
