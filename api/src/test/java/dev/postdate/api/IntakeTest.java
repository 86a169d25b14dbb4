package dev.postdate.api;

import dev.postdate.core.email.Address;
import dev.postdate.core.email.ScheduledEmail;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IntakeTest {

    private ApiHarness api;
    private String tenant;
    private String key;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of());
        tenant = ApiHarness.newTenant();
        key = api.createKey(tenant);
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    @Test
    void aSingleEmailIsQueuedWithEverythingTheClientSent() throws Exception {
        Instant sendAt = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        ApiHarness.Response response = api.post(key, "/v1/emails", ApiHarness.email(
                "\"reply_to\":\"help@example.org\"", "\"html\":\"<p>Hi</p>\"", "\"batch_id\":\"spring-2030\"",
                "\"headers\":{\"X-Campaign\":\"spring\"}", "\"tags\":[\"news\"]", "\"data\":{\"b\":[1,2],\"a\":\"x\"}",
                // Not OffsetDateTime.toString(): it drops ":00" seconds, which RFC 3339 requires.
                "\"send_at\":\"" + DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(sendAt.atOffset(ZoneOffset.ofHours(2)))
                        + "\""));
        assertEquals(202, response.status(), response.body());
        String id = response.json().get("id").getStringValue();

        ScheduledEmail queued = api.awaitIntake(1).getFirst();
        assertEquals(id, queued.id());
        assertEquals(tenant, queued.tenant());
        assertEquals("spring-2030", queued.batchId());
        assertEquals(sendAt, queued.sendAt());
        assertEquals(new Address("ada@example.com", "Ada"), queued.content().to());
        assertEquals(new Address("news@example.org", null), queued.content().from());
        assertEquals(new Address("help@example.org", null), queued.content().replyTo());
        assertEquals("Hello", queued.content().subject());
        assertEquals("<p>Hi</p>", queued.content().html());
        assertEquals(Map.of("X-Campaign", "spring"), queued.content().headers());
        assertEquals(List.of("news"), queued.content().tags());
        assertEquals(Map.of("a", "x", "b", List.of(1, 2)), queued.content().data());

        ApiHarness.Response status = api.get(key, "/v1/emails/" + id);
        assertEquals(200, status.status(), status.body());
        assertEquals("scheduled", status.json().get("state").getStringValue(), "right after the 202");
        assertEquals(sendAt.toString(), status.json().get("send_at").getStringValue());
        assertEquals("spring-2030", status.json().get("batch_id").getStringValue());
    }

    @Test
    void aPastOrMissingSendAtMeansNow() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        assertEquals(202, api.post(key, "/v1/emails", ApiHarness.email("\"send_at\":\"2001-01-01T00:00:00Z\"")).status());
        ScheduledEmail queued = api.awaitIntake(1).getFirst();
        assertTrue(!queued.sendAt().isBefore(before) && queued.sendAt().equals(queued.acceptedAt()), queued.toString());
    }

    @Test
    void aBatchQueuesExactlyItsEmails() throws Exception {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            emails.add(ApiHarness.email("\"batch_id\":\"b25\"", "\"data\":{\"n\":" + i + "}"));
        }
        ApiHarness.Response response = api.post(key, "/v1/emails/batch", ApiHarness.batch(emails));
        assertEquals(202, response.status(), response.body());
        List<String> ids = new ArrayList<>();
        response.json().get("ids").values().forEach(id -> ids.add(id.getStringValue()));
        assertEquals(25, Set.copyOf(ids).size());

        List<ScheduledEmail> queued = api.awaitIntake(25);
        assertEquals(Set.copyOf(ids), queued.stream().map(ScheduledEmail::id).collect(Collectors.toSet()));
        for (ScheduledEmail email : queued) {
            int n = ((Number) email.content().data().get("n")).intValue();
            assertEquals(ids.get(n), email.id(), "ids answer in request order");
        }
    }

    @Test
    void anIdempotentReplayReturnsTheSameIdAndQueuesNothing() throws Exception {
        String email = ApiHarness.email("\"idempotency_key\":\"order-17\"", "\"data\":{\"x\":1,\"y\":2}");
        String id = api.post(key, "/v1/emails", email).json().get("id").getStringValue();
        api.awaitIntake(1);

        String reordered = ApiHarness.email("\"data\":{\"y\":2,\"x\":1}", "\"idempotency_key\":\"order-17\"");
        ApiHarness.Response replay = api.post(key, "/v1/emails", reordered);
        assertEquals(202, replay.status(), replay.body());
        assertEquals(id, replay.json().get("id").getStringValue());
        ApiHarness.Response inBatch = api.post(key, "/v1/emails/batch",
                ApiHarness.batch(List.of(email, ApiHarness.email())));
        assertEquals(id, inBatch.json().get("ids").get(0).getStringValue());
        assertNotEquals(id, inBatch.json().get("ids").get(1).getStringValue());
        assertEquals(inBatch.json().get("ids").get(1).getStringValue(), api.awaitIntake(1).getFirst().id(),
                "only the new email is queued");

        ApiHarness.Response changed = api.post(key, "/v1/emails",
                ApiHarness.email("\"idempotency_key\":\"order-17\"", "\"data\":{\"x\":1,\"y\":3}"));
        assertEquals(422, changed.status());
        assertEquals("idempotency_key", changed.json().get("errors").get(0).get("field").getStringValue());
        api.assertIntakeEmpty();
    }

    @Test
    void anotherTenantSeesNoneOfTheEmails() throws Exception {
        String id = api.post(key, "/v1/emails", ApiHarness.email("\"batch_id\":\"mine\"")).json().get("id").getStringValue();
        api.awaitIntake(1);
        String otherKey = api.createKey(ApiHarness.newTenant());
        assertEquals(404, api.get(otherKey, "/v1/emails/" + id).status());
        assertEquals(404, api.delete(otherKey, "/v1/emails/" + id).status());
        assertEquals(404, api.get(otherKey, "/v1/batches/mine").status());
        JsonNode own = api.get(key, "/v1/emails/" + id).json();
        assertEquals("scheduled", own.get("state").getStringValue(), "the other tenant's cancel did nothing");
    }
}
