package dev.postdate.ingest;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.intake.ArrivalHorizon;
import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.intake.PackedEmail;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.postdate.ingest.IngestTestSupport.await;
import static dev.postdate.ingest.IngestTestSupport.messagesLeft;
import static dev.postdate.ingest.IngestTestSupport.packet;
import static dev.postdate.ingest.IngestTestSupport.rawRows;
import static dev.postdate.ingest.IngestTestSupport.readerCounts;
import static dev.postdate.ingest.IngestTestSupport.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A running consumer against the real queue, Redis and ClickHouse. */
class IntakeConsumerTest {

    private static TestEnvironment env;
    private static EmbeddedServer server;
    private static ClickHouseSql sql;

    @BeforeAll
    static void start() {
        env = TestEnvironment.create(IntakeConsumerTest.class);
        server = ApplicationContext.run(EmbeddedServer.class, IngestTestSupport.properties(env, true));
        sql = server.getApplicationContext().getBean(ClickHouseSql.class);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        env.close();
    }

    @Test
    void packetsLandOnceWithEveryFieldAndTheirMessagesAreDeleted() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        List<IntakePacket> packets = List.of(packet(tenant, 7), packet(tenant, 5), packet(tenant, 1));
        packets.forEach(packet -> send(env, server.getApplicationContext(), packet));

        await("13 emails", () -> readerCounts(sql, tenant).equals(List.of(13L, 13L)));
        await("messages deleted", () -> messagesLeft(env, env.intakeQueue()) == 0);
        assertEquals(13, rawRows(sql, tenant), "one row per email");

        PackedEmail email = packets.getFirst().emails().get(3);
        List<String> row = sql.select("SELECT toUnixTimestamp(send_at), seq, id, tenant, batch_id, "
                + "toUnixTimestamp(accepted_at), payload FROM " + sql.table("emails")
                + " WHERE id = '" + email.id() + "'").getFirst();
        assertEquals(email.sendAt().getEpochSecond(), Long.parseLong(row.get(0)));
        assertTrue(Long.parseLong(row.get(1)) > 0);
        assertEquals(List.of(email.id(), tenant, email.batchId()), row.subList(2, 5));
        assertEquals(email.acceptedAt().getEpochSecond(), Long.parseLong(row.get(5)));
        assertEquals(new String(email.content(), StandardCharsets.UTF_8), row.get(6), "the api's JSON, byte for byte");

        ArrivalHorizon horizon = server.getApplicationContext().getBean(ArrivalHorizon.class);
        long highestSeq = Long.parseLong(sql.select("SELECT max(seq) FROM " + sql.table("emails")).getFirst().getFirst());
        assertTrue(horizon.current() >= highestSeq, "no block left in flight after the inserts");
    }

    @Test
    void aCampaignPagePublishedAgainUnderNewPacketsIsStoredOnce() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        // An expander published a page (as one packet), stopped before its checkpoint, and published
        // it again after a restart: the same email ids in new packets, some with a later send time.
        IntakePacket page = campaignPage(tenant, 6, Instant.parse("2030-03-01T08:00:00Z"));
        send(env, server.getApplicationContext(), page);
        await("6 emails", () -> readerCounts(sql, tenant).equals(List.of(6L, 6L)));
        IntakePacket again = campaignPage(tenant, 6, Instant.parse("2030-03-01T09:00:00Z"));
        IntakePacket twiceInOneBatch = campaignPage(tenant, 8, Instant.parse("2030-03-01T10:00:00Z"));
        send(env, server.getApplicationContext(), again);
        send(env, server.getApplicationContext(), twiceInOneBatch);
        send(env, server.getApplicationContext(), campaignPage(tenant, 8, Instant.parse("2030-03-01T11:00:00Z")));
        await("messages deleted", () -> messagesLeft(env, env.intakeQueue()) == 0);
        assertEquals(8, rawRows(sql, tenant), "each campaign email once, under its first key");
        assertEquals(List.of(8L, 8L), readerCounts(sql, tenant));
    }

    /** Emails 0..n-1 of one occurrence: ids that depend only on the recipient, as the expander makes them. */
    private static IntakePacket campaignPage(String tenant, int n, Instant sendAt) {
        List<ScheduledEmail> emails = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            EmailContent content = new EmailContent(new Address("r" + i + "@example.com", null),
                    new Address("news@example.com", null), null, "Digest", null, "Hi", null, null, Map.of(), List.of(),
                    null, null, null);
            emails.add(new ScheduledEmail(tenant + "-r" + i, tenant, "campaign.c1.1", sendAt, sendAt, content));
        }
        return new IntakePacket(UUID.randomUUID().toString(), new IntakePacketCodec(ObjectMapper.getDefault()).pack(emails));
    }

    @Test
    void theSamePacketDeliveredTwiceIsVisibleOnce() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        IntakePacket packet = packet(tenant, 9);
        send(env, server.getApplicationContext(), packet);
        await("first copy stored", () -> readerCounts(sql, tenant).getFirst() == 9);
        send(env, server.getApplicationContext(), packet);
        send(env, server.getApplicationContext(), packet);

        await("both copies deleted", () -> messagesLeft(env, env.intakeQueue()) == 0);
        assertEquals(List.of(9L, 9L), readerCounts(sql, tenant));
        assertEquals(9, rawRows(sql, tenant), "an ingested packet is not inserted again");
    }

    @Test
    void anUndecodableMessageGoesToTheDeadLetterQueueAtOnceWithItsReason() throws Exception {
        String dlqUrl = env.sqs().getQueueUrl(r -> r.queueName(env.intakeQueue() + "-dlq")).queueUrl();
        String intakeUrl = env.sqs().getQueueUrl(r -> r.queueName(env.intakeQueue())).queueUrl();
        String sent = env.sqs().sendMessage(r -> r.queueUrl(intakeUrl).messageBody("not a packet")).messageId();
        Instant before = Instant.now();

        Message dead = receiveOne(dlqUrl);
        Map<String, MessageAttributeValue> attributes = dead.messageAttributes();
        assertEquals("not a packet", dead.body());
        assertEquals(sent, attributes.get(IntakeQueue.ORIGINAL_ID_ATTRIBUTE).stringValue());
        assertTrue(attributes.get(IntakeQueue.REASON_ATTRIBUTE).stringValue().contains("not base64"),
                attributes.toString());
        assertTrue(Instant.now().isBefore(before.plusSeconds(10)), "moved on first receipt, not after 5");
        await("removed from intake", () -> messagesLeft(env, env.intakeQueue()) == 0);
    }

    private static Message receiveOne(String url) throws InterruptedException {
        Message[] found = new Message[1];
        await("a dead letter", () -> {
            List<Message> messages = env.sqs().receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(1)
                    .messageAttributeNames("All")).messages();
            found[0] = messages.isEmpty() ? null : messages.getFirst();
            return found[0] != null;
        });
        return found[0];
    }
}
