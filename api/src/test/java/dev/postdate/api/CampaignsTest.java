package dev.postdate.api;

import dev.postdate.clickhouse.campaigns.OccurrenceStore;
import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.clickhouse.status.BatchStatusStore;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /v1/campaigns against real ClickHouse, Redis and SQS: the issue's request shapes, validation, lifecycle, tenants. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignsTest {

    private ApiHarness api;
    private String tenant;
    private String key;
    private String otherKey;
    private String audience;

    @BeforeAll
    void start() throws Exception {
        api = ApiHarness.start(getClass(), Map.of());
        tenant = ApiHarness.newTenant();
        key = api.createKey(tenant);
        otherKey = api.createKey(ApiHarness.newTenant());
        assertEquals(201, api.post(key, "/v1/templates", """
                {"name": "digest", "subject": "Your digest, {{ contact.name }}", "text": "Hello {{ contact.name }}"}""").status());
        ApiHarness.Response created = api.post(key, "/v1/audiences",
                "{\"name\": \"pro\", \"rule\": {\"attr\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}}");
        assertEquals(201, created.status(), created.body());
        audience = created.json().get("id").getStringValue();
    }

    @AfterAll
    void stop() throws Exception {
        api.close();
    }

    /** The recurring request shape issue 19 spells out. */
    private String recurring() {
        return """
                {"name": "fortnightly-digest", "template": {"name": "digest"}, "audience": {"id": "AUDIENCE_ID"},
                 "from": "news@example.org", "topic": "newsletter",
                 "schedule": {"rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "start": "2026-12-07", "timezone": "Europe/Berlin"},
                 "delivery": {"local_time": "08:00", "fallback_timezone": "Europe/Berlin", "if_passed": "next_day"},
                 "expire_after": "PT6H"}""".replace("AUDIENCE_ID", audience);
    }

    private String oneOff(Instant at) {
        return ("{\"name\": \"once\", \"template\": {\"name\": \"digest\"}, \"audience\": {\"id\": \"" + audience + "\"},"
                + " \"from\": \"news@example.org\", \"schedule\": {\"at\": \"" + at + "\"}}");
    }

    private JsonNode create(String body) throws Exception {
        ApiHarness.Response created = api.post(key, "/v1/campaigns", body);
        assertEquals(201, created.status(), created.body());
        return created.json();
    }

    @Test
    void theIssuesRecurringShapeIsADraftThatSchedules() throws Exception {
        JsonNode draft = create(recurring());
        String id = draft.get("id").getStringValue();
        assertEquals("draft", draft.get("state").getStringValue());
        assertEquals(1, draft.get("template").get("version").getIntValue(), "pinned to the latest version");
        assertEquals("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", draft.get("schedule").get("rrule").getStringValue());
        assertEquals("2026-12-07T00:00", draft.get("schedule").get("start").getStringValue());
        assertEquals("08:00", draft.get("delivery").get("local_time").getStringValue());
        assertEquals("next_day", draft.get("delivery").get("if_passed").getStringValue());
        assertEquals("PT6H", draft.get("expire_after").getStringValue());
        assertEquals("skip_older_than", draft.get("catch_up").get("policy").getStringValue());
        assertEquals("PT6H", draft.get("catch_up").get("max_age").getStringValue(), "catch-up defaults to the expiry");
        assertEquals("run", draft.get("overlap").getStringValue());

        JsonNode scheduled = api.post(key, "/v1/campaigns/" + id + "/schedule", "").json();
        assertEquals("scheduled", scheduled.get("state").getStringValue());
        assertTrue(scheduled.get("next_occurrence_at") != null, scheduled.toString());
        assertEquals(200, api.post(key, "/v1/campaigns/" + id + "/schedule", "").status(), "repeating changes nothing");
        assertEquals("scheduled", api.get(key, "/v1/campaigns/" + id).json().get("state").getStringValue());
        assertEquals(0, api.get(key, "/v1/campaigns/" + id + "/occurrences").json().get("occurrences").size());
        assertEquals(404, api.get(key, "/v1/campaigns/" + id + "/occurrences/1").status());
    }

    @Test
    void pauseResumeAndCancelFollowTheLifecycle() throws Exception {
        String id = create(oneOff(Instant.now().plus(2, ChronoUnit.DAYS))).get("id").getStringValue();
        assertEquals(409, api.post(key, "/v1/campaigns/" + id + "/pause", "").status(), "a draft cannot pause");
        api.post(key, "/v1/campaigns/" + id + "/schedule", "");
        assertEquals("paused", api.post(key, "/v1/campaigns/" + id + "/pause", "").json().get("state").getStringValue());
        assertEquals(409, api.post(key, "/v1/campaigns/" + id + "/schedule", "").status());
        assertEquals("scheduled", api.post(key, "/v1/campaigns/" + id + "/resume", "").json().get("state").getStringValue());
        assertEquals("cancelled", api.post(key, "/v1/campaigns/" + id + "/cancel", "").json().get("state").getStringValue());
        assertEquals(200, api.post(key, "/v1/campaigns/" + id + "/cancel", "").status(), "repeating changes nothing");
        assertEquals(409, api.post(key, "/v1/campaigns/" + id + "/resume", "").status(), "cancelled is final");
    }

    @Test
    void cancellingACampaignCancelsTheBatchesOfItsStartedOccurrences() throws Exception {
        String id = create(oneOff(Instant.now().plus(1, ChronoUnit.HOURS))).get("id").getStringValue();
        api.post(key, "/v1/campaigns/" + id + "/schedule", "");
        Instant now = Instant.now();
        // As the expander records an occurrence it starts.
        api.bean(OccurrenceStore.class).save(new StoredOccurrence(tenant, id, 1, now.toEpochMilli(),
                StoredOccurrence.State.EXPANDED, now, 1, "", 0, 0, "", now, now));
        JsonNode occurrence = api.get(key, "/v1/campaigns/" + id + "/occurrences/1").json();
        assertEquals("completed", occurrence.get("state").getStringValue(), occurrence.toString());
        assertEquals("active", occurrence.get("control").getStringValue());
        assertEquals("campaign." + id + ".1", occurrence.get("batch_id").getStringValue());

        api.post(key, "/v1/campaigns/" + id + "/cancel", "");
        assertTrue(api.bean(BatchStatusStore.class).isCancelled(tenant, "campaign." + id + ".1"));
        assertEquals("cancelled", api.get(key, "/v1/campaigns/" + id + "/occurrences/1").json().get("control").getStringValue());
    }

    @Test
    void oneOccurrenceIsControlledOnItsOwn() throws Exception {
        String id = create(oneOff(Instant.now().plus(1, ChronoUnit.HOURS))).get("id").getStringValue();
        api.post(key, "/v1/campaigns/" + id + "/schedule", "");
        Instant now = Instant.now();
        api.bean(OccurrenceStore.class).save(new StoredOccurrence(tenant, id, 1, now.toEpochMilli(),
                StoredOccurrence.State.EXPANDING, now, 1, "", 0, 0, "", now, now));
        assertEquals("paused", api.post(key, "/v1/campaigns/" + id + "/occurrences/1/pause", "").json()
                .get("control").getStringValue());
        assertEquals("active", api.post(key, "/v1/campaigns/" + id + "/occurrences/1/resume", "").json()
                .get("control").getStringValue());
        assertEquals("cancelled", api.post(key, "/v1/campaigns/" + id + "/occurrences/1/cancel", "").json()
                .get("control").getStringValue());
        assertEquals(404, api.post(key, "/v1/campaigns/" + id + "/occurrences/2/cancel", "").status());
        // Pausing the campaign leaves the cancelled occurrence cancelled.
        assertEquals(200, api.post(key, "/v1/campaigns/" + id + "/pause", "").status());
        assertEquals("cancelled", api.get(key, "/v1/campaigns/" + id + "/occurrences/1").json().get("control").getStringValue());
    }

    @Test
    void badFieldsAreAllNamedAndNothingIsSaved() throws Exception {
        int before = api.get(key, "/v1/campaigns?limit=500").json().get("campaigns").size();
        ApiHarness.Response bad = api.post(key, "/v1/campaigns", """
                {"name": "", "template": {"name": "nope"}, "audience": {"id": "nope", "version": 0},
                 "from": "news@elsewhere.example", "topic": "News'",
                 "schedule": {"rrule": "FREQ=FORTNIGHTLY", "start": "2026-13-01", "timezone": "Mars/Base"},
                 "delivery": {"local_time": "25:00", "if_passed": "later"},
                 "expire_after": "6 hours", "tags": [1], "catch_up": {"policy": "sometimes"}, "overlap": "maybe",
                 "rate": 5}""");
        assertEquals(422, bad.status(), bad.body());
        assertEquals(List.of("audience.version", "catch_up.policy", "delivery.fallback_timezone", "delivery.if_passed",
                        "delivery.local_time", "expire_after", "from", "name", "overlap", "rate", "schedule.rrule",
                        "schedule.start", "schedule.timezone", "tags[0]", "template", "topic"),
                ApiHarness.problemFields(bad).stream().sorted().toList());
        assertEquals(List.of("schedule.at"), ApiHarness.problemFields(api.post(key, "/v1/campaigns",
                oneOff(Instant.now().minus(1, ChronoUnit.HOURS)))));
        assertEquals(List.of("delivery"), ApiHarness.problemFields(api.post(key, "/v1/campaigns",
                oneOff(Instant.now().plus(1, ChronoUnit.HOURS)).replace("}}",
                        "}, \"delivery\": {\"local_time\": \"08:00\", \"fallback_timezone\": \"UTC\"}}"))));
        assertEquals(List.of("schedule.rrule"), ApiHarness.problemFields(api.post(key, "/v1/campaigns",
                recurring().replace("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "FREQ=MINUTELY"))));
        assertEquals(400, api.post(key, "/v1/campaigns", "{\"name\": ").status());
        assertEquals(before, api.get(key, "/v1/campaigns?limit=500").json().get("campaigns").size());
    }

    @Test
    void anotherTenantSeesNothing() throws Exception {
        String id = create(recurring()).get("id").getStringValue();
        assertEquals(404, api.get(otherKey, "/v1/campaigns/" + id).status());
        assertEquals(404, api.post(otherKey, "/v1/campaigns/" + id + "/schedule", "").status());
        assertEquals(404, api.post(otherKey, "/v1/campaigns/" + id + "/cancel", "").status());
        assertEquals(404, api.get(otherKey, "/v1/campaigns/" + id + "/occurrences").status());
        assertFalse(api.get(otherKey, "/v1/campaigns").body().contains(id));
        assertTrue(api.get(key, "/v1/campaigns").body().contains(id));
        // Another tenant's audience is not one of ours.
        assertEquals(List.of("audience", "template"), ApiHarness.problemFields(api.post(otherKey, "/v1/campaigns", recurring()))
                .stream().sorted().toList());
    }

    @Test
    void clientsCannotUseCampaignBatchIds() throws Exception {
        ApiHarness.Response refused = api.post(key, "/v1/emails", ApiHarness.email("\"batch_id\": \"campaign.x.1\""));
        assertEquals(List.of("batch_id"), ApiHarness.problemFields(refused));
    }
}
