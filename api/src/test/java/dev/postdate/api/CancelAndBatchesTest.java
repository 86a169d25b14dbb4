package dev.postdate.api;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.core.state.BatchControls;
import dev.postdate.core.state.SendGuard;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancelAndBatchesTest {

    private ApiHarness api;
    private String tenant;
    private String key;
    private ClickHouseSql sql;
    private StatefulRedisConnection<String, String> redis;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of());
        tenant = ApiHarness.newTenant();
        key = api.createKey(tenant);
        sql = api.bean(ClickHouseSql.class);
        redis = api.bean(StatefulRedisConnection.class);
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    private String accept(String... extra) throws Exception {
        String id = api.post(key, "/v1/emails", ApiHarness.email(extra)).json().get("id").getStringValue();
        api.awaitIntake(1);
        return id;
    }

    @Test
    void aCancelIsRecordedInRedisAndClickHouseAndRepeatable() throws Exception {
        String id = accept("\"send_at\":\"" + Instant.now().plus(Duration.ofDays(2)) + "\"");
        ApiHarness.Response cancelled = api.delete(key, "/v1/emails/" + id);
        assertEquals(200, cancelled.status(), cancelled.body());
        assertEquals("cancelled", cancelled.json().get("state").getStringValue());
        assertEquals(200, api.delete(key, "/v1/emails/" + id).status(), "a repeated cancel");

        assertEquals("cancelled", redis.sync().get(api.bean(SendGuard.class).key(tenant, id)));
        assertEquals(List.of(List.of("cancelled", "1")), sql.select("SELECT state, count() FROM "
                + sql.table("email_events") + " WHERE tenant = " + SqlLiteral.string(tenant)
                + " AND id = " + SqlLiteral.string(id) + " GROUP BY state"), "one event despite two cancels");
        // Under the email's key, so that a worker's pass finds it whatever Redis holds (not ingested yet: seq 0).
        assertEquals(List.of(List.of(Long.toString(Instant.parse(
                api.get(key, "/v1/emails/" + id).json().get("send_at").getStringValue()).getEpochSecond()), "0")),
                sql.select("SELECT toUnixTimestamp(send_at), seq FROM " + sql.table("email_events") + " WHERE id = "
                        + SqlLiteral.string(id)));
        JsonNode status = api.get(key, "/v1/emails/" + id).json();
        assertEquals("cancelled", status.get("state").getStringValue());
        assertEquals("cancelled", status.get("events").get(1).get("state").getStringValue());
    }

    @Test
    void aClaimedOrSentEmailCannotBeCancelled() throws Exception {
        SendGuard guard = api.bean(SendGuard.class);
        Instant expireAt = Instant.now().plus(Duration.ofHours(1));
        String claimed = accept();
        Instant claimedAt = Instant.ofEpochMilli(Instant.now().toEpochMilli());
        guard.claim(tenant, claimed, "worker-1", claimedAt, expireAt);
        ApiHarness.Response refused = api.delete(key, "/v1/emails/" + claimed);
        assertEquals(409, refused.status(), refused.body());

        guard.markSent(tenant, claimed, "worker-1", claimedAt, "ses-1", expireAt);
        assertEquals(409, api.delete(key, "/v1/emails/" + claimed).status());
        assertEquals("sent", api.get(key, "/v1/emails/" + claimed).json().get("state").getStringValue());
        assertEquals(404, api.delete(key, "/v1/emails/" + UUID.randomUUID()).status());
        assertEquals(404, api.get(key, "/v1/emails/not-a-uuid").status());
    }

    @Test
    void batchControlsAreRecordedAndACancelIsFinal() throws Exception {
        String batch = "b-" + UUID.randomUUID();
        String batchKey = api.bean(BatchControls.class).key(tenant, batch);
        assertEquals(404, api.get(key, "/v1/batches/" + batch).status(), "unknown batch");

        assertEquals("paused", control(api.post(key, "/v1/batches/" + batch + "/pause", "")));
        assertEquals("paused", redis.sync().get(batchKey));
        assertEquals("active", control(api.post(key, "/v1/batches/" + batch + "/resume", "")));
        assertNull(redis.sync().get(batchKey));
        assertEquals("cancelled", control(api.post(key, "/v1/batches/" + batch + "/cancel", "")));
        assertEquals("cancelled", redis.sync().get(batchKey));
        assertEquals(409, api.post(key, "/v1/batches/" + batch + "/resume", "").status());
        assertEquals(409, api.post(key, "/v1/batches/" + batch + "/pause", "").status());

        assertEquals(List.of(List.of("pause"), List.of("resume"), List.of("cancel")), sql.select("SELECT action FROM "
                + sql.table("batch_controls") + " WHERE tenant = " + SqlLiteral.string(tenant)
                + " AND batch_id = " + SqlLiteral.string(batch) + " ORDER BY at, action = 'cancel', action = 'resume'"));
        assertEquals("cancelled", api.get(key, "/v1/batches/" + batch).json().get("control").getStringValue());

        // Redis lost the control: ClickHouse's record of the cancel still decides.
        redis.sync().del(batchKey);
        assertEquals("cancelled", api.get(key, "/v1/batches/" + batch).json().get("control").getStringValue());
        assertEquals(409, api.post(key, "/v1/batches/" + batch + "/pause", "").status());
        assertNull(redis.sync().get(batchKey), "a refused pause writes nothing");
        assertNull(redis.sync().get(batchKey), "a refused pause writes nothing");
    }

    @Test
    void batchCountsFollowTheLatestEventOfEachStoredEmail() throws Exception {
        String batch = "counted";
        String[] ids = {UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString()};
        // Stands in for the ingest consumer: the views behind status reads fill from the emails table.
        for (int i = 0; i < ids.length; i++) {
            sql.execute("INSERT INTO " + sql.table("emails") + " (send_at, seq, id, tenant, batch_id, accepted_at, payload)"
                    + " VALUES (now(), " + (i + 1) + ", " + SqlLiteral.string(ids[i]) + ", " + SqlLiteral.string(tenant)
                    + ", " + SqlLiteral.string(batch) + ", now(), '{}')");
        }
        insertEvent(ids[1], batch, "queued");
        insertEvent(ids[2], batch, "queued");
        insertEvent(ids[2], batch, "sent");

        JsonNode counts = api.get(key, "/v1/batches/" + batch).json().get("counts");
        assertEquals(1, counts.get("scheduled").getLongValue());
        assertEquals(1, counts.get("queued").getLongValue());
        assertEquals(1, counts.get("sent").getLongValue());
        assertEquals(0, counts.get("cancelled").getLongValue());
        assertEquals("sent", api.get(key, "/v1/emails/" + ids[2]).json().get("state").getStringValue());

        api.post(key, "/v1/batches/" + batch + "/cancel", "");
        JsonNode afterCancel = api.get(key, "/v1/batches/" + batch).json().get("counts");
        assertEquals(2, afterCancel.get("cancelled").getLongValue(), "unsent emails of a cancelled batch");
        assertEquals(1, afterCancel.get("sent").getLongValue());
        assertEquals("cancelled", api.get(key, "/v1/emails/" + ids[0]).json().get("state").getStringValue());
    }

    @Test
    void batchStatsCountEachEmailOncePerKindOfFeedback() throws Exception {
        String batch = "feedback";
        assertEquals(404, api.get(key, "/v1/batches/" + batch + "/stats").status(), "unknown batch");
        String[] ids = new String[4];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = UUID.randomUUID().toString();
            sql.execute("INSERT INTO " + sql.table("emails") + " (send_at, seq, id, tenant, batch_id, accepted_at, payload)"
                    + " VALUES (now(), " + (100 + i) + ", " + SqlLiteral.string(ids[i]) + ", " + SqlLiteral.string(tenant)
                    + ", " + SqlLiteral.string(batch) + ", now(), '{}')");
            insertEvent(ids[i], batch, "sent");
        }
        insertFeedback(tenant, ids[0], batch, "delivered", "", "n1");
        insertFeedback(tenant, ids[0], batch, "delivered", "", "n1-copy");
        insertFeedback(tenant, ids[1], batch, "delivered", "", "n2");
        insertFeedback(tenant, ids[2], batch, "delivered", "", "n3");
        insertFeedback(tenant, ids[2], batch, "complained", "abuse", "n4");
        insertFeedback(tenant, ids[3], batch, "bounced", "transient", "n5-soft");
        insertFeedback(tenant, ids[3], batch, "bounced", "permanent", "n5");
        insertFeedback("another-tenant", ids[1], batch, "bounced", "transient", "n6");
        insertFeedback(tenant, ids[0], batch, "opened", "", "o1");
        insertFeedback(tenant, ids[0], batch, "opened", "", "o2");
        insertFeedback(tenant, ids[1], batch, "opened", "", "o3");
        insertFeedback(tenant, "", batch, "opened", "", "o4-anonymous");
        insertTracked(ids[0], batch, "clicked", "1", "https://example.org/a", "k1");
        insertTracked(ids[0], batch, "clicked", "1", "https://example.org/a", "k2");
        insertTracked(ids[1], batch, "clicked", "2", "https://example.org/b", "k3");
        insertFeedback(tenant, ids[1], batch, "unsubscribed", "all", "u1");

        ApiHarness.Response response = api.get(key, "/v1/batches/" + batch + "/stats");
        assertEquals(200, response.status(), response.body());
        JsonNode stats = response.json();
        assertEquals(4, stats.get("emails").getLongValue());
        assertEquals(4, stats.get("sent").getLongValue());
        assertEquals(3, stats.get("delivered").getLongValue(), "an email reported delivered twice counts once");
        assertEquals(1, stats.get("bounced").get("hard").getLongValue());
        assertEquals(1, stats.get("bounced").get("soft").getLongValue(), "another tenant's feedback is not this batch's");
        assertEquals(1, stats.get("complained").getLongValue());
        assertEquals(0.75, stats.get("rates").get("delivery").getDoubleValue());
        assertEquals(0.25, stats.get("rates").get("bounce").getDoubleValue(), "an email bounced soft then hard is one");
        assertEquals(0.25, stats.get("rates").get("complaint").getDoubleValue());
        assertEquals(2, stats.get("opened").get("unique").getLongValue(), "emails opened");
        assertEquals(4, stats.get("opened").get("total").getLongValue(), "every open, the anonymous one too");
        assertEquals(2, stats.get("clicked").get("unique").getLongValue());
        assertEquals(3, stats.get("clicked").get("total").getLongValue());
        JsonNode links = stats.get("clicked").get("links");
        assertEquals(2, links.size());
        assertEquals("https://example.org/a", links.get(0).get("url").getStringValue());
        assertEquals(1, links.get(0).get("unique").getLongValue());
        assertEquals(2, links.get(0).get("total").getLongValue());
        assertEquals(2, links.get(1).get("link").getIntValue());
        assertEquals(1, stats.get("unsubscribed").getLongValue());
        assertEquals(0.5, stats.get("rates").get("open").getDoubleValue());
        assertEquals(0.5, stats.get("rates").get("click").getDoubleValue());
        assertEquals(0.25, stats.get("rates").get("unsubscribe").getDoubleValue());
    }

    private void insertTracked(String id, String batch, String type, String link, String url, String event) {
        sql.execute("INSERT INTO " + sql.table("feedback_events") + " (tenant, recipient, type, notification_id, email_id,"
                + " batch_id, provider_id, subtype, detail, at_ms, received_ms) VALUES (" + SqlLiteral.string(tenant)
                + ", 'r@example.org', " + SqlLiteral.string(type) + ", " + SqlLiteral.string(event) + ", "
                + SqlLiteral.string(id) + ", " + SqlLiteral.string(batch) + ", '', " + SqlLiteral.string(link) + ", "
                + SqlLiteral.string(url) + ", 1, 1)");
    }

    private void insertFeedback(String tenant, String id, String batch, String type, String subtype, String notification) {
        sql.execute("INSERT INTO " + sql.table("feedback_events") + " (tenant, recipient, type, notification_id, email_id,"
                + " batch_id, provider_id, subtype, detail, at_ms, received_ms) VALUES (" + SqlLiteral.string(tenant)
                + ", 'r@example.org', " + SqlLiteral.string(type) + ", " + SqlLiteral.string(notification) + ", "
                + SqlLiteral.string(id) + ", " + SqlLiteral.string(batch) + ", 'p', " + SqlLiteral.string(subtype)
                + ", '', 1, 1)");
    }

    private void insertEvent(String id, String batch, String state) {
        sql.execute("INSERT INTO " + sql.table("email_events") + " (tenant, id, batch_id, state, at, detail) VALUES ("
                + SqlLiteral.string(tenant) + ", " + SqlLiteral.string(id) + ", " + SqlLiteral.string(batch) + ", "
                + SqlLiteral.string(state) + ", now(), '')");
    }

    private static String control(ApiHarness.Response response) {
        assertEquals(200, response.status(), response.body());
        return response.json().get("control").getStringValue();
    }
}
