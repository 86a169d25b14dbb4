package dev.postdate.loadtest.demo;

import dev.postdate.clickhouse.campaigns.OccurrenceStore;
import dev.postdate.clickhouse.campaigns.RecipientEmails;
import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.loadtest.ApiClient;
import dev.postdate.loadtest.contacts.ImportUpload;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The campaign side of {@code ./postdate demo --campaign}: imports the audience's contacts through the
 * contacts import API (the plan's readers, plus one in {@link #EXCLUDED_EVERY} more who match the rule
 * but must get nothing: unsubscribed, or without the topic's consent), creates the audience, a template
 * and a recurring campaign (daily, its first occurrence {@code dueIn} after it is scheduled), prints
 * its dry run and schedules it. The expander then does the rest; the demo watches and reconciles the
 * occurrence as it does the REST intake.
 */
final class CampaignDemo {

    static final String TEMPLATE = "demo-digest";
    private static final String TOPIC = "newsletter";
    private static final int EXCLUDED_EVERY = 50;

    private final ApiClient api;
    private final JsonMapper json;
    private final OccurrenceStore occurrences;
    private final DemoPlan plan;
    private final String tenant;
    private final int readers;
    private final PrintStream out;

    /**
     * The scheduled campaign and what it must send.
     *
     * @param dryRunMillis how long its dry run took to answer
     */
    record Scheduled(String campaignId, Instant planned, Instant scheduledAt, String[] ids, long dryRunMillis) {
    }

    CampaignDemo(ApiClient api, JsonMapper json, OccurrenceStore occurrences, DemoPlan plan, String tenant, int readers,
                 PrintStream out) {
        this.api = api;
        this.json = json;
        this.occurrences = occurrences;
        this.plan = plan;
        this.tenant = tenant;
        this.readers = readers;
        this.out = out;
    }

    /** How the occurrence's expansion went, timed from the expansion's start. */
    record Expansion(long emails, long expandedMillis, long visibleMillis, long sinceScheduleMillis) {

        String describe() {
            return String.format(Locale.ROOT, "expanded by the campaign expander in %.1f s (%,.0f emails/s), started"
                    + " %.1f s after the schedule call", expandedMillis / 1000.0,
                    emails / Math.max(0.001, expandedMillis / 1000.0), sinceScheduleMillis / 1000.0);
        }

        String timeliness() {
            return String.format(Locale.ROOT, "every email stored, visible to the ranger, %.1f s after the expansion"
                    + " started", visibleMillis / 1000.0);
        }
    }

    /** The readers' indexes come first; the excluded contacts follow them. */
    static int contactsFor(int readers) {
        return readers + excludedFor(readers);
    }

    private static int excludedFor(int readers) {
        return Math.max(2, readers / EXCLUDED_EVERY);
    }

    private int contacts() {
        return contactsFor(readers);
    }

    private int excluded() {
        return excludedFor(readers);
    }

    /**
     * Waits until the expander has expanded the occurrence and the ingest consumer stored every email
     * (what the ranger reads), keeping {@code expanded} up to date for the progress board; fails at
     * {@code deadline}. ClickHouse being away (./postdate chaos) only delays it.
     */
    Expansion awaitExpansion(Scheduled campaign, TenantLedger ledger, AtomicLong expanded, Instant deadline)
            throws InterruptedException {
        StoredOccurrence done = null;
        while (done == null) {
            try {
                Optional<StoredOccurrence> now = occurrence(campaign);
                now.ifPresent(o -> expanded.set(o.expanded()));
                if (now.isPresent() && now.get().state() == StoredOccurrence.State.EXPANDED) {
                    done = now.get();
                    continue;
                }
            } catch (RuntimeException e) {
                out.println("\n(ClickHouse: " + e.getMessage() + ")");
            }
            pause(deadline, "the expander to expand the occurrence");
        }
        while (!allStored(ledger, done.expanded())) {
            pause(deadline, "the ingest consumer to store the occurrence's emails");
        }
        Instant stored = Instant.now();
        Instant started = done.startedAt();
        return new Expansion(done.expanded(), Duration.between(started, done.updatedAt()).toMillis(),
                Duration.between(started, stored).toMillis(), Duration.between(campaign.scheduledAt(), started).toMillis());
    }

    private static boolean allStored(TenantLedger ledger, long emails) {
        try {
            return ledger.storedRows() >= emails;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void pause(Instant deadline, String waitingFor) throws InterruptedException {
        if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException("timed out waiting for " + waitingFor);
        }
        Thread.sleep(100);
    }

    Scheduled prepare(Duration dueIn) throws Exception {
        importContacts();
        String audience = id(post("/v1/audiences", "{\"name\": \"demo-" + plan.run()
                + "\", \"rule\": {\"attr\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}}", 201));
        post("/v1/templates", """
                {"name": "TEMPLATE", "subject": "{{ contact.name }}, your daily digest #{{ campaign.occurrence }}",
                 "html": "<h1>Hello {{ contact.name }}</h1><p>You have {{ contact.attributes.points }} points.</p>",
                 "text": "Hello {{ contact.name }}, you have {{ contact.attributes.points }} points."}
                """.replace("TEMPLATE", TEMPLATE), 201);
        // The first occurrence comes due dueIn after the schedule call below, then daily at that time.
        ZonedDateTime planned = ZonedDateTime.now(ZoneOffset.UTC).plus(dueIn).plusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
        String campaign = id(post("/v1/campaigns", String.format(Locale.ROOT, """
                {"name": "demo-%s", "template": {"name": "%s"}, "audience": {"id": "%s"},
                 "from": {"email": "news@shop.example", "name": "Postdate demo"}, "topic": "%s",
                 "schedule": {"rrule": "FREQ=DAILY;BYHOUR=%d;BYMINUTE=%d;BYSECOND=%d", "start": "%s", "timezone": "UTC"},
                 "expire_after": "PT1H", "tags": ["demo"]}""", plan.run(), TEMPLATE, audience, TOPIC, planned.getHour(),
                planned.getMinute(), planned.getSecond(), planned.toLocalDate()), 201));
        long dryRunStarted = System.nanoTime();
        String dryRun = post("/v1/campaigns/" + campaign + "/dry-run?samples=1", "", 200);
        long dryRunMillis = (System.nanoTime() - dryRunStarted) / 1_000_000;
        printDryRun(json.readValue(dryRun, JsonNode.class), dryRunMillis);
        Instant scheduledAt = Instant.now();
        JsonNode scheduled = json.readValue(post("/v1/campaigns/" + campaign + "/schedule", "", 200), JsonNode.class);
        out.printf(Locale.ROOT, "campaign %s scheduled: daily, next occurrence at %s%n", campaign,
                scheduled.get("next_occurrence_at").getStringValue());
        String[] ids = new String[readers];
        for (int i = 0; i < readers; i++) {
            ids[i] = RecipientEmails.emailId(tenant, campaign, 1, contactId(i));
        }
        return new Scheduled(campaign, planned.toInstant(), scheduledAt, ids, dryRunMillis);
    }

    /** The occurrence as stored, once the expander started it. */
    Optional<StoredOccurrence> occurrence(Scheduled campaign) {
        return occurrences.find(tenant, campaign.campaignId(), 1);
    }

    /** Receipts of the excluded contacts (indexes from the readers' count on): each one is a failure. */
    long excludedReceipts(Sink.Receipts receipts) {
        long received = 0;
        if (receipts.perEmail() != null) {
            for (int i = readers; i < receipts.perEmail().length; i++) {
                received += receipts.perEmail()[i];
            }
        }
        return received;
    }

    private static String contactId(int i) {
        return "reader-" + i;
    }

    private void importContacts() throws Exception {
        Path file = Files.createTempFile("postdate-demo-contacts", ".ndjson");
        try {
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (int i = 0; i < contacts(); i++) {
                    boolean reader = i < readers;
                    // Excluded ones alternate: unsubscribed, or subscribed without the topic's consent.
                    w.write("{\"id\":\"" + contactId(i) + "\",\"email\":\"" + plan.address(i) + "\",\"name\":\""
                            + plan.name(i) + "\",\"status\":\"" + (reader || i % 2 == 0 ? "active" : "unsubscribed")
                            + "\",\"attributes\":{\"plan\":\"pro\",\"points\":" + (i % 997) + "},\"consent\":{\""
                            + TOPIC + "\":" + (reader || i % 2 == 1) + "}}\n");
                }
            }
            long started = System.nanoTime();
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                JsonNode state = new ImportUpload(http, json, api.url(), api.key(), 8 << 20, 5).upload(file, false, null,
                        (bytes, s) -> out.printf(Locale.ROOT, "\rimporting contacts: %,d rows", s.get("imported").getLongValue()),
                        note -> out.println("\n" + note));
                if (state.get("failed").getLongValue() > 0) {
                    throw new IllegalStateException("the contacts import refused rows: " + state);
                }
            }
            out.printf(Locale.ROOT, "\rimported %,d contacts in %.1f s (%,d readers, %,d who match but must get nothing)%n",
                    contacts(), (System.nanoTime() - started) / 1e9, readers, excluded());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void printDryRun(JsonNode dry, long millis) {
        JsonNode excluded = dry.get("excluded");
        out.printf(Locale.ROOT, "dry run (answered in %,d ms): %,d recipients of %,d matching; excluded: %,d unsubscribed,"
                        + " %,d without consent; sample subject \"%s\"%n", millis, dry.get("recipients").getLongValue(),
                dry.get("matching").getLongValue(),
                excluded.get("unsubscribed").getLongValue(), excluded.get("no_consent").getLongValue(),
                dry.get("samples").size() > 0 ? dry.get("samples").get(0).get("subject").getStringValue() : "");
        if (dry.get("recipients").getLongValue() != readers) {
            throw new IllegalStateException("the dry run counts " + dry.get("recipients").getLongValue()
                    + " recipients, the demo expects " + readers);
        }
    }

    private String post(String path, String body, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = api.post(path, body);
        if (response.statusCode() != expected) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": "
                    + DemoIntake.abbreviate(response.body()));
        }
        return response.body();
    }

    private String id(String body) throws IOException {
        return json.readValue(body, JsonNode.class).get("id").getStringValue();
    }
}
