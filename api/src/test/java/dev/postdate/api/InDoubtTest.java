package dev.postdate.api;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.clickhouse.ranging.RangeSql;
import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.state.SendGuard;
import dev.postdate.core.state.SendGuardState;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The in-doubt list and its resolutions, against ClickHouse, Redis and the ranges queue. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InDoubtTest {

    private ApiHarness api;
    private ClickHouseSql sql;
    private SendGuard guard;
    private final AtomicLong seq = new AtomicLong(5000);
    private final long sendAt = Instant.now().getEpochSecond() - 3600;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of());
        sql = api.bean(ClickHouseSql.class);
        guard = api.bean(SendGuard.class);
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    /** An ingested email a worker left in doubt: its row, its in_doubt event, its guard marked sending. */
    private String inDoubt(String tenant) {
        String id = stored(tenant);
        long s = seqOf(tenant, id);
        sql.execute("INSERT INTO " + sql.table("email_events") + " (tenant, id, batch_id, state, at, detail, send_at, seq)"
                + " VALUES (" + SqlLiteral.string(tenant) + ", " + SqlLiteral.string(id) + ", '', 'in_doubt', now(), "
                + "'attempt timed out', toDateTime(" + sendAt + ", 'UTC'), " + s + ")");
        Instant claimedAt = Instant.ofEpochMilli(Instant.now().toEpochMilli());
        Instant expireAt = Instant.now().plus(Duration.ofHours(1));
        guard.claim(tenant, id, "w1", claimedAt, expireAt);
        guard.markSendingAsync(tenant, id, "w1", claimedAt, expireAt).toCompletableFuture().join();
        return id;
    }

    private String stored(String tenant) {
        String id = UUID.randomUUID().toString();
        sql.execute("INSERT INTO " + sql.table("emails") + " (send_at, seq, id, tenant, batch_id, accepted_at, payload)"
                + " VALUES (toDateTime(" + sendAt + ", 'UTC'), " + seq.incrementAndGet() + ", " + SqlLiteral.string(id)
                + ", " + SqlLiteral.string(tenant) + ", '', toDateTime(" + sendAt + ", 'UTC'), '{}')");
        return id;
    }

    private long seqOf(String tenant, String id) {
        return Long.parseLong(sql.select("SELECT seq FROM " + sql.table("emails") + " WHERE tenant = "
                + SqlLiteral.string(tenant) + " AND id = " + SqlLiteral.string(id)).getFirst().getFirst());
    }

    private List<String> listed(String key, String tenantQuery) throws Exception {
        List<String> ids = new ArrayList<>();
        String cursor = "";
        for (int pages = 0; pages < 10; pages++) {
            ApiHarness.Response page = api.get(key, "/v1/emails?status=in_doubt&limit=1" + tenantQuery
                    + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            assertEquals(200, page.status(), page.body());
            page.json().get("emails").values().forEach(e -> ids.add(e.get("id").getStringValue()));
            JsonNode next = page.json().get("next_cursor");
            if (next == null || next.isNull()) {
                return ids;
            }
            cursor = next.getStringValue();
        }
        throw new AssertionError("more pages than emails");
    }

    @Test
    void theListIsPagedAndHoldsOnlyTheTenantsInDoubtEmails() throws Exception {
        String tenant = ApiHarness.newTenant();
        String other = ApiHarness.newTenant();
        String key = api.createKey(tenant);
        String otherKey = api.createKey(other);
        Set<String> mine = Set.of(inDoubt(tenant), inDoubt(tenant));
        stored(tenant);
        String theirs = inDoubt(other);

        List<String> ids = listed(key, "");
        assertEquals(2, ids.size(), ids.toString());
        assertEquals(mine, new HashSet<>(ids));
        assertEquals(List.of(theirs), listed(otherKey, ""));
        assertEquals(404, api.post(key, "/v1/emails/" + theirs + "/resolve", "{\"resolution\":\"sent\"}").status(),
                "another tenant's email");
    }

    @Test
    void badParametersAreProblemsNamingTheField() throws Exception {
        String key = api.createKey(ApiHarness.newTenant());
        assertField(api.get(key, "/v1/emails"), "status");
        assertField(api.get(key, "/v1/emails?status=sent"), "status");
        assertField(api.get(key, "/v1/emails?status=in_doubt&limit=0"), "limit");
        assertField(api.get(key, "/v1/emails?status=in_doubt&limit=1001"), "limit");
        assertField(api.get(key, "/v1/emails?status=in_doubt&limit=x"), "limit");
        assertField(api.get(key, "/v1/emails?status=in_doubt&cursor=%27%3B--"), "cursor");
        String id = UUID.randomUUID().toString();
        assertField(api.post(key, "/v1/emails/" + id + "/resolve", "{\"resolution\":\"maybe\"}"), "resolution");
        assertField(api.post(key, "/v1/emails/" + id + "/resolve", "{}"), "resolution");
        assertField(api.post(key, "/v1/emails/" + id + "/resolve", "{\"resolution\":\"sent\",\"x\":1}"), "x");
        assertEquals(400, api.post(key, "/v1/emails/" + id + "/resolve", "{").status());
    }

    private static void assertField(ApiHarness.Response response, String field) {
        assertEquals(422, response.status(), response.body());
        assertEquals("application/problem+json", response.contentType());
        assertEquals(field, response.json().get("errors").get(0).get("field").getStringValue(), response.body());
    }

    @Test
    void resolvedAsSentItIsRecordedSentAndNeverResolvedAgain() throws Exception {
        String tenant = ApiHarness.newTenant();
        String key = api.createKey(tenant);
        String id = inDoubt(tenant);
        ApiHarness.Response resolved = api.post(key, "/v1/emails/" + id + "/resolve", "{\"resolution\":\"sent\"}");
        assertEquals(200, resolved.status(), resolved.body());
        assertEquals(new SendGuardState(SendGuardState.Kind.SENT, null, null, SendGuard.RESOLVED_SENT),
                guard.current(tenant, id));
        assertEquals("sent", api.get(key, "/v1/emails/" + id).json().get("state").getStringValue());
        assertEquals(List.of(), listed(key, ""));
        assertEquals(409, api.post(key, "/v1/emails/" + id + "/resolve", "{\"resolution\":\"resend\"}").status());
        assertEquals(409, api.post(key, "/v1/emails/" + stored(tenant) + "/resolve", "{\"resolution\":\"sent\"}")
                .status(), "not in doubt");
    }

    @Test
    void racingResendsAllowOneClaimAndQueueRangesOfExactlyThatEmail() throws Exception {
        String tenant = ApiHarness.newTenant();
        String key = api.createKey(tenant);
        String id = inDoubt(tenant);
        long emailSeq = seqOf(tenant, id);
        List<Callable<Integer>> racers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            racers.add(() -> api.post(key, "/v1/emails/" + id + "/resolve", "{\"resolution\":\"resend\"}").status());
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Integer> status : pool.invokeAll(racers)) {
                assertEquals(200, status.get());
            }
        }
        SendGuardState resend = guard.current(tenant, id);
        assertEquals(SendGuardState.Kind.RESEND, resend.kind());

        List<Message> ranges = rangesQueued();
        assertEquals(4, ranges.size());
        ObjectMapper json = api.bean(ObjectMapper.class);
        for (Message message : ranges) {
            RangeMessage range = json.readValue(message.body(), RangeMessage.class);
            assertEquals(1, range.expected());
            assertEquals(List.of(List.of(id)), sql.select("SELECT id FROM " + sql.table("emails") + " WHERE "
                    + RangeSql.where(range.bounds())), "exactly the email");
            assertEquals(emailSeq, range.bounds().seqUpTo());
        }
        // Whichever worker comes first takes the resend over; every other pass finds it claimed.
        Instant now = Instant.now();
        Instant expireAt = now.plus(Duration.ofHours(1));
        assertEquals(resend, guard.takeOverAsync(tenant, id, resend, "w2", now, expireAt).toCompletableFuture().join());
        SendGuardState second = guard.takeOverAsync(tenant, id, resend, "w3", now, expireAt).toCompletableFuture().join();
        assertEquals(SendGuardState.Kind.CLAIMED, second.kind());
        assertEquals(409, api.post(key, "/v1/emails/" + id + "/resolve", "{\"resolution\":\"resend\"}").status(),
                "being sent now");
    }

    private List<Message> rangesQueued() {
        String url = api.env.sqs().getQueueUrl(r -> r.queueName(api.env.rangesQueue())).queueUrl();
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < 10 && messages.size() < 4; i++) {
            messages.addAll(api.env.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).visibilityTimeout(30)).messages());
        }
        return messages;
    }
}
