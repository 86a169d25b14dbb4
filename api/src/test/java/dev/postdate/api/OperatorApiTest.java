package dev.postdate.api;

import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.clickhouse.keys.ApiKeys;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.sqs.dlq.DeadLetters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator API over the dead-letter queues, against ElasticMQ: who may use it, and what it does. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorApiTest {

    private static final String OPERATOR_TOKEN = "op_" + UUID.randomUUID();

    private ApiHarness api;
    private String dlqUrl;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of("postdate.api.operator.token-hashes", List.of(ApiKeys.hash(OPERATOR_TOKEN))));
        dlqUrl = api.env.sqs().getQueueUrl(r -> r.queueName(api.env.intakeQueue() + "-dlq")).queueUrl();
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    @Test
    void onlyAnOperatorTokenOpensTheOperatorApi() throws Exception {
        String tenantKey = api.createKey(ApiHarness.newTenant());
        for (String credential : new String[]{null, "", "op_wrong"}) {
            ApiHarness.Response response = api.get(credential, "/operator/dlq/intake");
            assertEquals(401, response.status(), response.body());
            assertEquals(ProblemResponses.MEDIA_TYPE, response.contentType());
        }
        ApiHarness.Response tenant = api.get(tenantKey, "/operator/dlq/intake");
        assertEquals(403, tenant.status(), tenant.body());
        assertEquals(ProblemResponses.MEDIA_TYPE, tenant.contentType());
        assertEquals(403, api.post(tenantKey, "/operator/dlq/intake/redrive?all=true", "").status());
        assertEquals(200, api.get(OPERATOR_TOKEN, "/operator/dlq/intake").status());
        assertEquals(401, api.get(OPERATOR_TOKEN, "/v1/emails/" + UUID.randomUUID()).status(),
                "an operator token is no tenant key");
    }

    @Test
    void listShowAndRedriveAnIntakeDeadLetterWithoutShowingItsContent() throws Exception {
        IntakePacketCodec codec = api.bean(IntakePacketCodec.class);
        IntakePacket packet = packet(codec);
        String body = codec.encode(packet);
        String id = api.env.sqs().sendMessage(r -> r.queueUrl(dlqUrl).messageBody(body).messageAttributes(Map.of(
                DeadLetters.REASON_ATTRIBUTE, string("refused by ClickHouse"),
                DeadLetters.ORIGINAL_ID_ATTRIBUTE, string("original-id")))).messageId();

        ApiHarness.Response list = api.get(OPERATOR_TOKEN, "/operator/dlq/intake");
        assertEquals(200, list.status(), list.body());
        assertEquals(1, list.json().get("count").getIntValue());
        assertEquals(id, list.json().get("messages").get(0).get("message_id").getStringValue());
        assertEquals("refused by ClickHouse", list.json().get("messages").get(0).get("reason").getStringValue());

        ApiHarness.Response show = api.get(OPERATOR_TOKEN, "/operator/dlq/intake/messages/" + id);
        assertEquals(200, show.status(), show.body());
        assertEquals(packet.packetId(), show.json().get("packet").get("packet_id").getStringValue());
        assertEquals(packet.emails().getFirst().id(),
                show.json().get("packet").get("email_ids").get(0).getStringValue());
        assertFalse(show.body().contains("dora@example.com") || show.body().contains("Private subject"), show.body());
        assertEquals(404, api.get(OPERATOR_TOKEN, "/operator/dlq/intake/messages/no-such-id").status());
        ApiHarness.Response unknownQueue = api.get(OPERATOR_TOKEN, "/operator/dlq/outbox");
        assertEquals(404, unknownQueue.status());
        assertEquals(ProblemResponses.MEDIA_TYPE, unknownQueue.contentType());

        ApiHarness.Response neither = api.post(OPERATOR_TOKEN, "/operator/dlq/intake/redrive", "");
        assertEquals(422, neither.status(), neither.body());
        assertEquals(ProblemResponses.MEDIA_TYPE, neither.contentType());
        ApiHarness.Response redrive = api.post(OPERATOR_TOKEN, "/operator/dlq/intake/redrive?id=" + id, "");
        assertEquals(200, redrive.status(), redrive.body());
        assertEquals(id, redrive.json().get("moved").get(0).get("message_id").getStringValue());

        String intakeUrl = api.env.sqs().getQueueUrl(r -> r.queueName(api.env.intakeQueue())).queueUrl();
        List<Message> back = api.env.sqs().receiveMessage(r -> r.queueUrl(intakeUrl).waitTimeSeconds(5)).messages();
        assertEquals(List.of(body), back.stream().map(Message::body).toList(), "the packet is back on the intake queue");
        assertEquals(0, api.get(OPERATOR_TOKEN, "/operator/dlq/intake").json().get("count").getIntValue());
    }

    @Test
    void theOpenApiDocumentDescribesTheOperatorRoutes() throws Exception {
        String document = api.get(null, "/openapi/postdate-api.yml").body();
        assertTrue(document.contains("/operator/dlq/{queue}/redrive:"), document);
        assertTrue(document.contains("operatorToken"), document);
    }

    @Test
    void withoutConfiguredTokensTheOperatorApiDoesNotExist() throws Exception {
        try (ApiHarness plain = ApiHarness.start(OperatorApiTest.class, Map.of())) {
            ApiHarness.Response response = plain.get(OPERATOR_TOKEN, "/operator/dlq/intake");
            assertEquals(404, response.status(), response.body());
            assertEquals(ProblemResponses.MEDIA_TYPE, response.contentType());
        }
    }

    private static IntakePacket packet(IntakePacketCodec codec) {
        EmailContent content = new EmailContent(new Address("dora@example.com", "Dora"), new Address("news@example.com", null),
                null, "Private subject", "<p>Hi</p>", "Hi", null, null, Map.of(), List.of(), null, null, null);
        Instant at = Instant.parse("2030-03-01T08:00:00Z");
        return new IntakePacket("packet-" + UUID.randomUUID(), codec.pack(List.of(
                new ScheduledEmail("email-" + UUID.randomUUID(), "acme", "", at, at.minusSeconds(60), content))));
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
