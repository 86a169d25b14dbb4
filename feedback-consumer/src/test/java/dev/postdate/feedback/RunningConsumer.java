package dev.postdate.feedback;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.clickhouse.migrations.SchemaOnStart;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A feedback consumer running against a fresh test environment, with retries fast enough for a
 * test, its schema current; {@link #sent} plays the worker's part.
 */
final class RunningConsumer implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    final TestEnvironment env;
    final ApplicationContext context;

    private RunningConsumer(TestEnvironment env, ApplicationContext context) {
        this.env = env;
        this.context = context;
    }

    /** @param extra properties over the environment's and the fast timings */
    static RunningConsumer start(Class<?> test, Map<String, Object> extra) throws InterruptedException {
        TestEnvironment env = TestEnvironment.create(test);
        Map<String, Object> properties = new HashMap<>(env.properties());
        properties.put("postdate.feedback.receive-wait", "1s");
        properties.put("postdate.feedback.lookup-retry", "1s");
        properties.put("postdate.feedback.failure-backoff", "1s");
        properties.putAll(extra);
        ApplicationContext context = ApplicationContext.run(properties);
        if (!context.getBean(SchemaOnStart.class).awaitCurrent(WAIT)) {
            context.close();
            throw new IllegalStateException("schema not current within " + WAIT);
        }
        return new RunningConsumer(env, context);
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** What the worker records once the provider took an email: 'sent' with the provider's id as detail. */
    void sent(String tenant, String emailId, String providerId) {
        ClickHouseSql sql = bean(ClickHouseSql.class);
        sql.execute("INSERT INTO " + sql.table("email_events") + " (tenant, id, batch_id, state, at, detail) VALUES ("
                + SqlLiteral.string(tenant) + ", " + SqlLiteral.string(emailId) + ", 'b1', 'sent', now(), "
                + SqlLiteral.string(providerId) + ")");
    }

    /** The URL of one of the environment's queues. */
    String queueUrl(String queue) {
        return env.sqs().getQueueUrl(r -> r.queueName(queue)).queueUrl();
    }

    @Override
    public void close() throws Exception {
        try {
            context.close();
        } finally {
            env.close();
        }
    }
}
