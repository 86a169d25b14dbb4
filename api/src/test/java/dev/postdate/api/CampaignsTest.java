package dev.postdate.api;

import dev.postdate.clickhouse.campaigns.CampaignRecipients;
import dev.postdate.clickhouse.campaigns.OccurrenceStore;
import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.clickhouse.status.BatchStatusStore;
import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.clickhouse.status.EmailStatusStore;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.state.EmailStatus;
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
import static org.junit.jupiter.api.Assertions.assertNull;
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
        assertEquals(200, api.post(key, "/v1/contacts", """
                {"contacts": [
                 {"id": "d1", "email": "d1@example.com", "name": "Dee", "timezone": "Europe/Berlin", "attributes": {"plan": "pro", "city": "Berlin"}, "consent": {"newsletter": true}},
                 {"id": "d2", "email": "d2@example.net", "name": "Dan", "timezone": "America/New_York", "attributes": {"plan": "pro", "city": "NYC"}, "consent": {"newsletter": true}},
                 {"id": "d3", "email": "d3@example.com", "attributes": {"plan": "pro"}, "consent": {"newsletter": true}},
                 {"id": "d4", "email": "d4@example.com", "status": "unsubscribed", "attributes": {"plan": "pro", "city": "Rome"}, "consent": {"newsletter": true}},
                 {"id": "d5", "email": "d5@example.org", "attributes": {"plan": "pro", "city": "Oslo"}, "consent": {"newsletter": true}},
                 {"id": "d6", "email": "d6@example.com", "attributes": {"plan": "pro", "city": "Lima"}},
                 {"id": "d7", "email": "d7@example.com", "attributes": {"plan": "free", "city": "Pune"}, "consent": {"newsletter": true}}]}""").status());
        assertEquals(200, api.post(key, "/v1/suppressions", "{\"suppressions\": [{\"address\": \"d5@example.org\", \"reason\": \"manual\"}]}").status());
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
        // Even against a resume that raced the cancel and was written after it.
        var store = api.bean(dev.postdate.clickhouse.campaigns.CampaignStore.class);
        var cancelled = store.find(tenant, id).orElseThrow();
        store.save(cancelled.with(dev.postdate.core.campaign.CampaignState.SCHEDULED, cancelled.spec(),
                Instant.now().plusSeconds(1)));
        assertEquals("cancelled", api.get(key, "/v1/campaigns/" + id).json().get("state").getStringValue());
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

        JsonNode stats = api.get(key, "/v1/campaigns/" + id + "/occurrences/1/stats").json();
        assertEquals("campaign." + id + ".1", stats.get("batch_id").getStringValue(), stats.toString());
        assertEquals(0, stats.get("sent").getLongValue(), "an occurrence without stored emails yet has figures of 0");
        assertEquals(404, api.get(key, "/v1/campaigns/" + id + "/occurrences/2/stats").status());
        assertEquals(404, api.get(otherKey, "/v1/campaigns/" + id + "/occurrences/1/stats").status());
        JsonNode campaignStats = api.get(key, "/v1/campaigns/" + id + "/stats").json();
        assertEquals(id, campaignStats.get("campaign_id").getStringValue(), campaignStats.toString());
        assertEquals(1, campaignStats.get("occurrences").getIntValue());
        assertEquals(0, campaignStats.get("clicked").get("total").getLongValue());
        assertEquals(404, api.get(otherKey, "/v1/campaigns/" + id + "/stats").status(), "by tenant");

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
                 "rate": 5, "rate_cap": {"emails": 0, "per": "PT0.5S"}, "tracking": {"opens": 1}}""");
        assertEquals(422, bad.status(), bad.body());
        assertEquals(List.of("audience.version", "catch_up.policy", "delivery.fallback_timezone", "delivery.if_passed",
                        "delivery.local_time", "expire_after", "from", "name", "overlap", "rate", "rate_cap.emails",
                        "rate_cap.per", "schedule.rrule",
                        "schedule.start", "schedule.timezone", "tags[0]", "template", "topic", "tracking.opens"),
                ApiHarness.problemFields(bad).stream().sorted().toList());
        assertEquals(List.of("schedule.at"), ApiHarness.problemFields(api.post(key, "/v1/campaigns",
                oneOff(Instant.now().minus(1, ChronoUnit.HOURS)))));
        assertEquals(List.of("delivery"), ApiHarness.problemFields(api.post(key, "/v1/campaigns",
                oneOff(Instant.now().plus(1, ChronoUnit.HOURS)).replace("}}",
                        "}, \"delivery\": {\"local_time\": \"08:00\", \"fallback_timezone\": \"UTC\"}}"))));
        assertEquals(List.of("schedule.rrule"), ApiHarness.problemFields(api.post(key, "/v1/campaigns",
                recurring().replace("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "FREQ=MINUTELY"))));
        // Local delivery takes one occurrence a day at most: every recipient would get each one at the same local time.
        assertEquals(List.of("schedule.rrule"), ApiHarness.problemFields(api.post(key, "/v1/campaigns",
                recurring().replace("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "FREQ=DAILY;BYHOUR=8,20"))));
        assertEquals(List.of("schedule.start"), ApiHarness.problemFields(api.post(key, "/v1/campaigns",
                recurring().replace("2026-12-07", "2020-01-06"))));
        assertEquals(List.of("rate_cap"), ApiHarness.problemFields(api.post(key, "/v1/campaigns",
                recurring().replace("\"expire_after\"", "\"rate_cap\": {\"emails\": 167, \"per\": \"P7D\"}, \"expire_after\""))));
        assertEquals(400, api.post(key, "/v1/campaigns", "{\"name\": ").status());
        assertEquals(before, api.get(key, "/v1/campaigns?limit=500").json().get("campaigns").size());
    }

    @Test
    void theDryRunCountsExcludesRendersAndNamesMissingDataWithoutSchedulingAnything() throws Exception {
        assertEquals(201, api.post(key, "/v1/templates", """
                {"name": "city", "subject": "News for {{ contact.attributes.city }}", "text": "Hi {{ contact.name }}"}""").status());
        String id = create(recurring().replace("\"name\": \"digest\"", "\"name\": \"city\"")).get("id").getStringValue();

        ApiHarness.Response response = api.post(key, "/v1/campaigns/" + id + "/dry-run?samples=3", "");
        assertEquals(200, response.status(), response.body());
        JsonNode dry = response.json();
        assertEquals(6, dry.get("matching").getLongValue());
        assertEquals(3, dry.get("recipients").getLongValue());
        JsonNode excluded = dry.get("excluded");
        assertEquals(1, excluded.get("unsubscribed").getLongValue());
        assertEquals(1, excluded.get("suppressed").getLongValue());
        assertEquals(1, excluded.get("no_consent").getLongValue());
        assertEquals(0, excluded.get("local_time_passed").getLongValue());
        assertEquals("example.com", dry.get("domains").get(0).get("domain").getStringValue());
        assertEquals(2, dry.get("domains").get(0).get("recipients").getLongValue());
        // 08:00 in Berlin (d1, and d3 through the fallback zone) and New York: two hours in UTC, one local hour.
        assertEquals(2, dry.get("send_times_utc").size(), dry.toString());
        assertEquals(2, dry.get("send_times_utc").get(0).get("recipients").getLongValue());
        assertEquals(1, dry.get("send_times_local").size());
        assertEquals("08:00", dry.get("send_times_local").get(0).get("local_hour").getStringValue());
        assertEquals(3, dry.get("send_times_local").get(0).get("recipients").getLongValue());
        JsonNode samples = dry.get("samples");
        assertEquals(3, samples.size());
        assertEquals("News for Berlin", samples.get(0).get("subject").getStringValue());
        assertEquals("Hi Dee", samples.get(0).get("text").getStringValue());
        assertTrue(samples.get(2).get("problem").getStringValue().contains("city"), samples.get(2).toString());
        JsonNode missing = dry.get("missing_variables");
        assertEquals(2, missing.size(), missing.toString());
        assertEquals("contact.attributes.city", missing.get(0).get("variable").getStringValue());
        assertEquals(1, missing.get(0).get("recipients").getLongValue());
        assertEquals("d3", missing.get(0).get("contact_ids").get(0).getStringValue());
        assertTrue(missing.get(0).get("fails").getBooleanValue());
        assertEquals("contact.name", missing.get(1).get("variable").getStringValue());
        assertFalse(missing.get(1).get("fails").getBooleanValue());

        // What the expander would page through now is exactly the dry run's recipients.
        var audienceStore = api.bean(dev.postdate.clickhouse.audiences.AudienceStore.class);
        var rule = audienceStore.rule(audienceStore.latest(tenant, audience).orElseThrow());
        assertEquals(3, api.bean(dev.postdate.clickhouse.audiences.AudienceMembers.class)
                .page(tenant, rule, Instant.now(), "newsletter", "", 100).size());
        assertEquals("draft", api.get(key, "/v1/campaigns/" + id).json().get("state").getStringValue());
        assertEquals(0, api.get(key, "/v1/campaigns/" + id + "/occurrences").json().get("occurrences").size());
        assertEquals(List.of("samples"), ApiHarness.problemFields(api.post(key, "/v1/campaigns/" + id + "/dry-run?samples=21", "")));

        // Under a rate cap of one an hour, Berlin's two recipients due at 07:00 UTC take two hours.
        JsonNode capped = create(recurring().replace("\"expire_after\"", "\"rate_cap\": {\"emails\": 1, \"per\": \"PT1H\"},"
                + " \"tracking\": {\"opens\": false, \"anonymous\": true}, \"expire_after\""));
        assertFalse(capped.get("tracking").get("opens").getBooleanValue(), capped.toString());
        assertTrue(capped.get("tracking").get("anonymous").getBooleanValue());
        assertNull(capped.get("tracking").get("clicks"), "unset: the tenant's");
        assertEquals(1, capped.get("rate_cap").get("emails").getLongValue());
        assertEquals("PT1H", capped.get("rate_cap").get("per").getStringValue());
        JsonNode paced = api.post(key, "/v1/campaigns/" + capped.get("id").getStringValue() + "/dry-run?samples=0", "").json();
        List<String> hours = new java.util.ArrayList<>();
        paced.get("send_times_utc").values().forEach(h -> hours.add(h.get("hour").getStringValue().substring(11)
                + "=" + h.get("recipients").getLongValue()));
        assertEquals(List.of("07:00:00Z=1", "08:00:00Z=1", "13:00:00Z=1"), hours, paced.toString());
        assertEquals(dry.get("eta").getStringValue(), paced.get("eta").getStringValue(), "New York's 13:00 still comes last");
    }

    @Test
    void theLedgerListsRecipientsAndAResendReachesExactlyTheFailedOnesOnce() throws Exception {
        String id = create(oneOff(Instant.now().plus(1, ChronoUnit.HOURS))).get("id").getStringValue();
        api.post(key, "/v1/campaigns/" + id + "/schedule", "");
        Instant now = Instant.now();
        api.bean(OccurrenceStore.class).save(new StoredOccurrence(tenant, id, 1, now.toEpochMilli(),
                StoredOccurrence.State.EXPANDED, now, 1, "d4", 4, 0, "", now, now));
        // As the expander leaves it: four emails in the ledger; d1's failed, d2's sent, d3's not settled,
        // d4's failed but d4 has unsubscribed since.
        String batch = "campaign." + id + ".1";
        api.bean(CampaignRecipients.class).record(tenant, id, 1, List.of(new CampaignRecipients.Entry("e1", "d1", ""),
                new CampaignRecipients.Entry("e2", "d2", ""), new CampaignRecipients.Entry("e3", "d3", ""),
                new CampaignRecipients.Entry("e4", "d4", "")));
        EmailStatusStore events = api.bean(EmailStatusStore.class);
        events.record(tenant, "e1", batch, now, 1, new EmailEvent(EmailStatus.FAILED, now, "550 mailbox unavailable"));
        events.record(tenant, "e2", batch, now, 2, new EmailEvent(EmailStatus.SENT, now, "provider-id"));
        events.record(tenant, "e4", batch, now, 4, new EmailEvent(EmailStatus.FAILED, now, "550 mailbox unavailable"));

        JsonNode all = api.get(key, "/v1/campaigns/" + id + "/occurrences/1/recipients").json();
        assertEquals(List.of("e1:failed", "e2:sent", "e3:scheduled", "e4:failed"), recipients(all));
        assertEquals(List.of("e1:failed", "e4:failed"),
                recipients(api.get(key, "/v1/campaigns/" + id + "/occurrences/1/recipients?state=failed").json()));
        JsonNode firstPage = api.get(key, "/v1/campaigns/" + id + "/occurrences/1/recipients?limit=2").json();
        assertEquals("e2", firstPage.get("next").getStringValue());
        assertEquals(List.of("e3:scheduled", "e4:failed"), recipients(api.get(key,
                "/v1/campaigns/" + id + "/occurrences/1/recipients?limit=2&after=e2").json()));
        ApiHarness.Response csv = api.get(key, "/v1/campaigns/" + id + "/occurrences/1/recipients?state=failed&format=csv");
        assertEquals(200, csv.status(), csv.body());
        assertTrue(csv.contentType().startsWith("text/csv"), csv.contentType());
        assertEquals("email_id,contact_id,state,detail,resend_of\r\ne1,d1,failed,550 mailbox unavailable,\r\n"
                + "e4,d4,failed,550 mailbox unavailable,\r\n", csv.body());
        JsonNode counts = api.get(key, "/v1/campaigns/" + id + "/occurrences/1").json();
        assertEquals(2, counts.get("counts").get("failed").getLongValue());
        assertEquals("sending", counts.get("state").getStringValue());
        // Three emails settled within the last minute: 0.05 per second; one left (e3) goes at that pace.
        assertEquals(0.05, counts.get("rate").getDoubleValue(), 1e-9);
        Instant eta = Instant.parse(counts.get("eta").getStringValue());
        assertTrue(eta.isAfter(now.plusSeconds(15)) && eta.isBefore(Instant.now().plusSeconds(25)), eta.toString());

        JsonNode resent = api.post(key, "/v1/campaigns/" + id + "/occurrences/1/resend", "{\"states\": [\"failed\"]}").json();
        assertEquals(1, resent.get("resent").getLongValue(), resent.toString());
        assertEquals(1, resent.get("ineligible").getLongValue(), "d4 unsubscribed");
        ScheduledEmail again = api.awaitIntake(1).getFirst();
        assertEquals(batch, again.batchId());
        assertEquals("d1@example.com", again.content().to().email());
        JsonNode after = api.get(key, "/v1/campaigns/" + id + "/occurrences/1/recipients").json();
        assertEquals(java.util.Set.of("e2:sent", "e3:scheduled", "e4:failed", again.id() + ":scheduled"),
                java.util.Set.copyOf(recipients(after)));
        after.get("recipients").values().forEach(r -> assertEquals(r.get("email_id").getStringValue().equals(again.id())
                ? "e1" : "", r.get("resend_of").getStringValue()));
        // Once: e1 is no longer current, so nothing more goes out (d4 is still not mailable).
        JsonNode repeated = api.post(key, "/v1/campaigns/" + id + "/occurrences/1/resend", "").json();
        assertEquals(0, repeated.get("resent").getLongValue());
        api.assertIntakeEmpty();
        assertEquals(List.of("states"), ApiHarness.problemFields(api.post(key, "/v1/campaigns/" + id
                + "/occurrences/1/resend", "{\"states\": [\"sent\"]}")));
    }

    private static List<String> recipients(JsonNode list) {
        List<String> out = new java.util.ArrayList<>();
        list.get("recipients").values().forEach(r -> out.add(r.get("email_id").getStringValue() + ":"
                + r.get("state").getStringValue()));
        return out;
    }

    @Test
    void aTestSendGoesToTheSeedsWithTheChosenContactsDataOutsideTheLedger() throws Exception {
        String id = create(recurring()).get("id").getStringValue();
        ApiHarness.Response sent = api.post(key, "/v1/campaigns/" + id + "/test",
                "{\"to\": [\"qa@example.net\", \"boss@example.net\"], \"contacts\": [\"d4\"]}");
        assertEquals(202, sent.status(), sent.body());
        assertEquals(2, sent.json().get("emails").size());
        assertEquals("d4", sent.json().get("emails").get(0).get("contact_id").getStringValue());
        List<ScheduledEmail> queued = api.awaitIntake(2);
        for (ScheduledEmail email : queued) {
            assertEquals("", email.batchId(), "outside the occurrence's batch");
            assertTrue(email.content().headers().get("X-Postdate-Test").contains(id));
            assertTrue(email.content().tags().contains("test"));
            assertEquals(null, email.content().topic(), "a seed is not a contact");
            @SuppressWarnings("unchecked")
            Map<String, Object> contact = (Map<String, Object>) email.content().data().get("contact");
            assertEquals("d4", contact.get("id"), "an unsubscribed contact's data may be shown to a seed");
        }
        assertEquals(java.util.Set.of("qa@example.net", "boss@example.net"),
                java.util.Set.copyOf(queued.stream().map(e -> e.content().to().email()).toList()));
        // Without contacts: the first recipient's data.
        assertEquals("d1", api.post(key, "/v1/campaigns/" + id + "/test", "{\"to\": [\"qa@example.net\"]}").json()
                .get("emails").get(0).get("contact_id").getStringValue());
        api.awaitIntake(1);
        assertEquals(List.of("contacts[0]", "to[1].email"), ApiHarness.problemFields(api.post(key, "/v1/campaigns/" + id
                + "/test", "{\"to\": [\"qa@example.net\", \"not an address\"], \"contacts\": [\"nobody\"]}"))
                .stream().sorted().toList());
        assertEquals(0, api.get(key, "/v1/campaigns/" + id + "/occurrences").json().get("occurrences").size());
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
