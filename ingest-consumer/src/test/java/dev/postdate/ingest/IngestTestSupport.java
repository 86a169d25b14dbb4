package dev.postdate.ingest;

import dev.postdate.clickhouse.ClickHouseException;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.intake.IntakePacketCodec;
import io.micronaut.serde.ObjectMapper;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Packets in, counts out: what the ingest tests share. */
final class IngestTestSupport {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    private static final IntakePacketCodec CODEC = new IntakePacketCodec(ObjectMapper.getDefault());

    private IngestTestSupport() {
    }

    /** Properties for a consumer that reacts quickly enough for tests. */
    static Map<String, Object> properties(TestEnvironment env, boolean consuming) {
        Map<String, Object> properties = new HashMap<>(env.properties());
        properties.put("postdate.ingest.enabled", consuming);
        properties.put("postdate.ingest.batch-linger", "100ms");
        properties.put("postdate.ingest.receive-wait", "1s");
        properties.put("postdate.ingest.retry-initial-backoff", "200ms");
        properties.put("postdate.ingest.retry-max-backoff", "1s");
        return properties;
    }

    /** Emails of one tenant, due at whole seconds spread over several days (several partitions). */
    static IntakePacket packet(String tenant, int emails) {
        List<ScheduledEmail> list = new ArrayList<>();
        Instant base = Instant.parse("2030-03-01T08:00:00Z");
        for (int i = 0; i < emails; i++) {
            EmailContent content = new EmailContent(new Address("user" + i + "@example.com", "User\t" + i),
                    new Address("news@example.com", null), null, "Hello\nthere " + i, "<p>Hi</p>", "Hi 'you' \\ " + i,
                    null, null, Map.of("X-Campaign", "spring"), List.of("newsletter"), null, null, null);
            list.add(new ScheduledEmail(UUID.randomUUID().toString(), tenant, "batch-" + (i % 2),
                    base.plus(Duration.ofHours(7L * i)), base.minus(Duration.ofDays(1)), content));
        }
        return new IntakePacket(UUID.randomUUID().toString(), CODEC.pack(list));
    }

    static void send(TestEnvironment env, ApplicationContext context, IntakePacket packet) {
        String url = env.sqs().getQueueUrl(r -> r.queueName(env.intakeQueue())).queueUrl();
        String body = CODEC.encode(packet);
        env.sqs().sendMessage(r -> r.queueUrl(url).messageBody(body));
    }

    /**
     * What a reader sees of a tenant's emails: copies with the same key (send_at, seq) collapse.
     * Returns {distinct keys, distinct ids among them}.
     */
    static List<Long> readerCounts(ClickHouseSql sql, String tenant) {
        List<String> row = sql.select("SELECT count(), uniqExact(id) FROM (SELECT send_at, seq, any(id) AS id FROM "
                + sql.table("emails") + " WHERE tenant = " + SqlLiteral.string(tenant) + " GROUP BY send_at, seq)").getFirst();
        return List.of(Long.parseLong(row.get(0)), Long.parseLong(row.get(1)));
    }

    static long rawRows(ClickHouseSql sql, String tenant) {
        return Long.parseLong(sql.select("SELECT count() FROM " + sql.table("emails")
                + " WHERE tenant = " + SqlLiteral.string(tenant)).getFirst().getFirst());
    }

    static long messagesLeft(TestEnvironment env, String queue) {
        String url = env.sqs().getQueueUrl(r -> r.queueName(queue)).queueUrl();
        Map<QueueAttributeName, String> attributes = env.sqs().getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /**
     * Waits for a condition read from ClickHouse. A consumer migrates its database in the background
     * as it starts (it receives nothing before the schema is current), and V012 moves the emails
     * table: until then a read may find no such database (longer on a cluster, whose DDL queue runs
     * the creation) or no such table, which is "not yet".
     */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        assertTrue(Await.until(DEADLINE, () -> {
            try {
                return condition.getAsBoolean();
            } catch (ClickHouseException e) {
                if (e.code() == ClickHouseException.UNKNOWN_TABLE || e.code() == ClickHouseException.UNKNOWN_DATABASE) {
                    return false;
                }
                throw e;
            }
        }), () -> "Timed out waiting for " + what);
    }
}
