package dev.postdate.api;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Mutations;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.clickhouse.erasure.RecipientErasure;
import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.clickhouse.feedback.FeedbackEventStore.LinkClicks;
import dev.postdate.clickhouse.ingest.EmailRow;
import dev.postdate.clickhouse.ingest.EmailRowsInsert;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.state.SendGuard;
import dev.postdate.core.state.SendGuardState;
import dev.postdate.core.testing.Await;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DELETE /v1/recipients/{address} against the real ClickHouse and Redis: the emails stand in for the
 * ingest consumer's, stored with the payload the api put on the intake queue.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecipientErasureTest {

    private static final String ERASED = "erase.me@example.com";
    private static final String CLICKED_BATCH = "clicked-batch";

    private ApiHarness api;
    private ClickHouseSql sql;
    private long seq;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of());
        sql = api.bean(ClickHouseSql.class);
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    @Test
    void anErasureCancelsBlanksAndAuditsOnlyThisTenantsEmailsToTheAddress() throws Exception {
        api.env.assumeMutationsFinish();
        String tenant = ApiHarness.newTenant();
        String key = api.createKey(tenant);
        String other = ApiHarness.newTenant();
        String otherKey = api.createKey(other);
        String later = "\"send_at\":\"" + Instant.now().plus(Duration.ofDays(3)) + "\"";
        String pending = store(key, email(ERASED, "Pending for you", later));
        String sent = store(key, email("Erase.Me@Example.com", "Already sent", null));
        String kept = store(key, email("keep@example.com", "Mention erase.me@example.com in the body", later));
        String othersEmail = store(otherKey, email(ERASED, "Other tenant", later));
        insertEvent(tenant, sent, "sent", "250 accepted for <ERASE.ME@example.com>");
        insertEvent(tenant, kept, "queued", "");
        insertFeedback(tenant, sent);
        insertFeedback(other, othersEmail);
        insertClick(tenant, ERASED, sent, 1, "https://shop.example.com/p?u=c-9");
        insertClick(tenant, "", "", 2, "https://shop.example.com/p?for=Erase.Me%40Example.com");
        insertClick(tenant, "keep@example.com", kept, 3, "https://shop.example.com/p?u=c-10");
        insertClick(other, ERASED, othersEmail, 1, "https://shop.example.com/p?for=erase.me@example.com");

        ApiHarness.Response response = api.delete(key, "/v1/recipients/erase.me%40EXAMPLE.com");
        assertEquals(202, response.status(), response.body());
        assertEquals(2, response.json().get("emails").getIntValue(), response.body());
        assertEquals(1, response.json().get("cancelled").getIntValue(), "the one not sent yet");
        String erasureId = response.json().get("id").getStringValue();
        assertTrue(Await.until(ApiHarness.DEADLINE, () -> Mutations.pending(sql, "emails") == 0
                && Mutations.pending(sql, "email_events") == 0 && Mutations.pending(sql, "feedback_events") == 0),
                "mutations done");

        assertEquals("0", one("SELECT count() FROM " + sql.table("emails") + " WHERE tenant = " + SqlLiteral.string(tenant)
                + " AND positionCaseInsensitive(payload, " + SqlLiteral.string(ERASED) + ") > 0 AND id != " + SqlLiteral.string(kept)));
        assertEquals("", payload(tenant, pending));
        assertEquals("", payload(tenant, sent));
        assertTrue(payload(tenant, kept).contains("keep@example.com"), "an email to another address keeps its payload");
        assertTrue(payload(other, othersEmail).contains(ERASED), "another tenant's email to the address is untouched");
        assertEquals("0", one("SELECT count() FROM " + sql.table("email_events") + " WHERE tenant = " + SqlLiteral.string(tenant)
                + " AND positionCaseInsensitive(detail, " + SqlLiteral.string(ERASED) + ") > 0"));

        assertEquals("0", one("SELECT count() FROM " + sql.table("feedback_events") + " WHERE tenant = "
                + SqlLiteral.string(tenant) + " AND recipient = " + SqlLiteral.string(ERASED)),
                "the provider's feedback and the clicks of the address are gone");
        assertEquals("2", one("SELECT count() FROM " + sql.table("feedback_events") + " WHERE tenant = "
                + SqlLiteral.string(other)), "another tenant's stays: its delivery and its click");
        List<LinkClicks> erased = List.of(new LinkClicks(1, "", 1, 1), new LinkClicks(2, "", 0, 1),
                new LinkClicks(3, "https://shop.example.com/p?u=c-10", 1, 1));
        assertTrue(Await.until(ApiHarness.DEADLINE, () -> links(tenant).equals(erased)), "the links keep their clicks and"
                + " lose the examples the address clicked or that name it (URL-encoded too): " + links(tenant));
        assertEquals(List.of(new LinkClicks(1, "https://shop.example.com/p?for=erase.me@example.com", 1, 1)), links(other),
                "another tenant's stays");
        assertEquals("cancelled", api.get(key, "/v1/emails/" + pending).json().get("state").getStringValue());
        assertEquals(SendGuardState.Kind.CANCELLED, api.bean(SendGuard.class).current(tenant, pending).kind(),
                "no worker will send it");
        assertEquals("sent", api.get(key, "/v1/emails/" + sent).json().get("state").getStringValue(), "statuses stay");

        assertEquals(List.of(List.of(tenant, RecipientErasure.addressHash(ERASED), keyId(key), "2", "1")),
                sql.select("SELECT tenant, address_sha256, key_id, emails, cancelled FROM " + sql.table("erasures")
                        + " WHERE erasure_id = " + SqlLiteral.string(erasureId)));
        assertEquals("0", one("SELECT count() FROM " + sql.table("erasures") + " WHERE address_sha256 LIKE '%@%'"
                + " OR tenant LIKE '%@%'"), "the audit holds no address");

        ApiHarness.Response again = api.delete(key, "/v1/recipients/" + ERASED);
        assertEquals(202, again.status(), again.body());
        assertEquals(0, again.json().get("emails").getIntValue(), "nothing left to erase");
    }

    @Test
    void aBadAddressIsA422NamingIt() throws Exception {
        String key = api.createKey(ApiHarness.newTenant());
        for (String address : List.of("not-an-address", "a%0D%0ABcc:%20b@example.com", "%22Ada%22%20%3Ca@example.com%3E",
                "z%C3%B6e@example.com")) {
            ApiHarness.Response response = api.delete(key, "/v1/recipients/" + address);
            assertEquals(422, response.status(), address + " -> " + response.body());
            assertEquals("address", response.json().get("errors").get(0).get("field").getStringValue(), response.body());
        }
        assertEquals(401, api.delete(null, "/v1/recipients/" + ERASED).status());
    }

    private static String email(String to, String subject, String extra) {
        String base = "{\"to\":{\"email\":\"" + to + "\",\"name\":\"Erin\"},\"from\":\"news@example.org\",\"subject\":\""
                + subject + "\",\"text\":\"Dear Erin\",\"data\":{\"email\":\"" + to + "\"}";
        return (extra == null ? base : base + "," + extra) + "}";
    }

    /** Accepts the email through the api and stores it as the ingest consumer would. */
    private String store(String key, String email) throws Exception {
        ApiHarness.Response accepted = api.post(key, "/v1/emails", email);
        assertEquals(202, accepted.status(), accepted.body());
        ScheduledEmail queued = api.awaitIntake(1).getFirst();
        byte[] payload;
        try {
            payload = api.bean(JsonMapper.class).writeValueAsBytes(queued.content());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        api.bean(EmailRowsInsert.class).insert(List.of(new EmailRow(queued.sendAt(), ++seq, queued.id(), queued.tenant(),
                queued.batchId(), queued.acceptedAt(), payload)), ApiHarness.DEADLINE);
        return queued.id();
    }

    /** A delivery the provider reported, as the feedback consumer records it. */
    private void insertFeedback(String tenant, String id) {
        sql.execute("INSERT INTO " + sql.table("feedback_events") + " (tenant, recipient, type, notification_id, email_id,"
                + " batch_id, provider_id, subtype, detail, at_ms, received_ms) VALUES (" + SqlLiteral.string(tenant)
                + ", " + SqlLiteral.string(ERASED) + ", 'delivered', 'n', " + SqlLiteral.string(id)
                + ", '', 'p', '', '250 ok', 1, 1)");
    }

    /** A click on a personalized link, as the feedback consumer records it (an anonymous one names nobody). */
    private void insertClick(String tenant, String recipient, String id, int link, String url) {
        sql.execute("INSERT INTO " + sql.table("feedback_events") + " (tenant, recipient, type, notification_id, email_id,"
                + " batch_id, provider_id, subtype, detail, at_ms, received_ms) VALUES (" + SqlLiteral.string(tenant)
                + ", " + SqlLiteral.string(recipient) + ", 'clicked', 'c-" + link + "', " + SqlLiteral.string(id) + ", "
                + SqlLiteral.string(CLICKED_BATCH) + ", '', '" + link + "', " + SqlLiteral.string(url) + ", 1, 1)");
    }

    private List<LinkClicks> links(String tenant) {
        return api.bean(FeedbackEventStore.class).feedbackOf(tenant, List.of(CLICKED_BATCH)).links();
    }

    private void insertEvent(String tenant, String id, String state, String detail) {
        sql.execute("INSERT INTO " + sql.table("email_events") + " (tenant, id, batch_id, state, at, detail) VALUES ("
                + SqlLiteral.string(tenant) + ", " + SqlLiteral.string(id) + ", '', " + SqlLiteral.string(state) + ", now(), "
                + SqlLiteral.string(detail) + ")");
    }

    private String payload(String tenant, String id) {
        return one("SELECT any(payload) FROM " + sql.table("emails") + " WHERE tenant = " + SqlLiteral.string(tenant)
                + " AND id = " + SqlLiteral.string(id));
    }

    private String one(String query) {
        return sql.select(query).getFirst().getFirst();
    }

    private static String keyId(String key) {
        return key.substring(3, key.indexOf('_', 3));
    }
}
