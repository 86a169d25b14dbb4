package dev.postdate.ingest;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.migrations.SchemaOnStart;
import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.sqs.dlq.DeadLetterQueue;
import dev.postdate.core.sqs.dlq.DeadLetters;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.TestEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.postdate.ingest.IngestTestSupport.await;
import static dev.postdate.ingest.IngestTestSupport.messagesLeft;
import static dev.postdate.ingest.IngestTestSupport.packet;
import static dev.postdate.ingest.IngestTestSupport.rawRows;
import static dev.postdate.ingest.IngestTestSupport.readerCounts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Packets that ClickHouse refuses, against the real servers. ClickHouse is made to refuse exactly the
 * rows of one tenant by a MATERIALIZED column that throws for them, in this class's own database: the
 * server answers such an insert with an error (code 395) while it stores every other insert, which is
 * what a packet holding a value the table refuses looks like from the consumer.
 */
class PoisonPacketTest {

    private static final int MAX_ATTEMPTS = 2;

    private static TestEnvironment env;
    private static EmbeddedServer server;
    private static ClickHouseSql sql;
    private static IntakePacketCodec codec;

    @BeforeAll
    static void start() throws InterruptedException {
        env = TestEnvironment.create(PoisonPacketTest.class);
        Map<String, Object> properties = IngestTestSupport.properties(env, true);
        properties.put("postdate.ingest.max-batch-attempts", MAX_ATTEMPTS);
        // Long enough that the poison packet and the good ones sent with it share a batch.
        properties.put("postdate.ingest.batch-linger", "1s");
        properties.put("postdate.dlq.gauge-interval", "200ms");
        server = ApplicationContext.run(EmbeddedServer.class, properties);
        assertTrue(server.getApplicationContext().getBean(SchemaOnStart.class).awaitCurrent(IngestTestSupport.DEADLINE));
        sql = server.getApplicationContext().getBean(ClickHouseSql.class);
        codec = server.getApplicationContext().getBean(IntakePacketCodec.class);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        env.close();
    }

    @Test
    void aPoisonPacketGoesToTheDeadLetterQueueTheRestOfItsBatchIsStoredAndRedriveBringsItBack() throws Exception {
        String good = "good-" + UUID.randomUUID();
        String poison = "poison-" + UUID.randomUUID();
        String column = refuseTenant(poison);
        try {
            IntakePacket poisonPacket = packet(poison, 3);
            String poisonMessageId = send(poisonPacket);
            int goodEmails = 0;
            for (int i = 0; i < 3; i++) {
                goodEmails += send(packet(good, 4), 4);
            }
            // A suspect is judged only right after inserts ClickHouse accepts: keep some traffic coming.
            String dlqUrl = env.sqs().getQueueUrl(r -> r.queueName(env.intakeQueue() + "-dlq")).queueUrl();
            Message dead = null;
            for (int round = 0; round < 20 && dead == null; round++) {
                goodEmails += send(packet(good, 1), 1);
                dead = receiveDeadLetter(dlqUrl);
            }
            assertTrue(dead != null, "the poison packet reached the dead-letter queue");
            Message deadLetter = dead;
            assertEquals(codec.encode(poisonPacket), dead.body(), "the message as it was sent");
            assertEquals(poisonMessageId, dead.messageAttributes().get(DeadLetters.ORIGINAL_ID_ATTRIBUTE).stringValue());
            String reason = dead.messageAttributes().get(DeadLetters.REASON_ATTRIBUTE).stringValue();
            assertTrue(reason.contains("refused by ClickHouse") && reason.contains("395"), reason);
            assertTrue(!reason.contains("example.com"), "no payload in the reason: " + reason);
            // Visible again for the redrive below.
            env.sqs().changeMessageVisibility(r -> r.queueUrl(dlqUrl).receiptHandle(deadLetter.receiptHandle())
                    .visibilityTimeout(0));

            int expected = goodEmails;
            await("every good email stored once", () -> readerCounts(sql, good).equals(List.of((long) expected, (long) expected)));
            await("intake queue empty", () -> messagesLeft(env, env.intakeQueue()) == 0);
            assertEquals(0, rawRows(sql, poison), "nothing of the refused packet was written");
            assertEquals(1.0, counter("postdate.ingest.poisoned"));
            await("the gauge counts the dead letter", () -> deadLetterGauge() == 1);
            assertTrue(counter("postdate.ingest.batch.splits") >= 1, "the batch was cut to find the packet");

            sql.execute("ALTER TABLE " + sql.table("emails") + " DROP COLUMN " + column);
            column = null;
            DeadLetters deadLetters = server.getApplicationContext().getBean(DeadLetters.class);
            String deadId = dead.messageId();
            assertTrue(deadLetters.redrive(DeadLetterQueue.INTAKE, deadId).isPresent(), "redriven");
            await("the redriven packet stored", () -> readerCounts(sql, poison).equals(List.of(3L, 3L)));
            await("both queues empty", () -> messagesLeft(env, env.intakeQueue()) == 0
                    && messagesLeft(env, env.intakeQueue() + "-dlq") == 0);
            await("the gauge sees the queue empty", () -> deadLetterGauge() == 0);
        } finally {
            if (column != null) {
                sql.execute("ALTER TABLE " + sql.table("emails") + " DROP COLUMN " + column);
            }
        }
    }

    @Test
    void whileClickHouseRefusesEveryInsertNothingIsDeadLetteredAndAllIsStoredOnceItAcceptsAgain() throws Exception {
        String tenant = "refused-" + UUID.randomUUID();
        String column = refuseTenant(tenant);
        double failuresBefore = counter("postdate.ingest.insert.failures");
        double poisonedBefore = counter("postdate.ingest.poisoned");
        try {
            for (int i = 0; i < 4; i++) {
                send(packet(tenant, 2));
            }
            // Enough refusals for the batch to be cut down to single packets, each refused again and again.
            await("many refused attempts", () -> counter("postdate.ingest.insert.failures") - failuresBefore >= 20);
            assertEquals(poisonedBefore, counter("postdate.ingest.poisoned"), "nothing dead-lettered");
            assertEquals(0, messagesLeft(env, env.intakeQueue() + "-dlq"));
        } finally {
            sql.execute("ALTER TABLE " + sql.table("emails") + " DROP COLUMN " + column);
        }
        await("all 8 stored once ClickHouse accepts them", () -> readerCounts(sql, tenant).equals(List.of(8L, 8L)));
        await("intake queue empty", () -> messagesLeft(env, env.intakeQueue()) == 0);
        assertEquals(0, messagesLeft(env, env.intakeQueue() + "-dlq"));
    }

    /** Makes ClickHouse refuse every insert holding a row of the tenant; returns the column to drop. */
    private static String refuseTenant(String tenant) {
        String column = "refuse_" + UUID.randomUUID().toString().substring(0, 8);
        sql.execute("ALTER TABLE " + sql.table("emails") + " ADD COLUMN " + column
                + " UInt8 MATERIALIZED throwIf(tenant = '" + tenant + "')");
        return column;
    }

    private static String send(IntakePacket packet) {
        String url = env.sqs().getQueueUrl(r -> r.queueName(env.intakeQueue())).queueUrl();
        return env.sqs().sendMessage(r -> r.queueUrl(url).messageBody(codec.encode(packet))).messageId();
    }

    private static int send(IntakePacket packet, int emails) {
        send(packet);
        return emails;
    }

    private static Message receiveDeadLetter(String url) throws InterruptedException {
        Message[] found = new Message[1];
        Await.until(Duration.ofSeconds(2), () -> {
            List<Message> messages = env.sqs().receiveMessage(r -> r.queueUrl(url).messageAttributeNames("All")
                    .visibilityTimeout(30)).messages();
            found[0] = messages.isEmpty() ? null : messages.getFirst();
            return found[0] != null;
        });
        return found[0];
    }

    private static double deadLetterGauge() {
        return server.getApplicationContext().getBean(MeterRegistry.class).get("postdate.dlq.messages")
                .tag("queue", "intake").gauge().value();
    }

    private static double counter(String name) {
        return server.getApplicationContext().getBean(MeterRegistry.class).get(name).counter().count();
    }
}
