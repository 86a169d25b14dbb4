package dev.postdate.clickhouse.audiences;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.clickhouse.contacts.AttributeValue;
import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.clickhouse.contacts.Contact;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.clickhouse.contacts.ContactStore;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import dev.postdate.core.testing.MutableClock;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random rule trees with hostile strings, counted by ClickHouse ({@link AudienceCounts}, through
 * {@link RuleParser} and {@link RuleSql}) and by {@link RuleOracle} in memory over the same contacts.
 * Contacts are written in two versions (the older one often matching where the newer does not; the second with
 * merges stopped), some deleted, and another tenant holds copies of them all: counts must see each contact once, as
 * its latest version, and only the tenant's own.
 */
class AudienceRulePropertyTest {

    private static final Instant T0 = Instant.parse("2026-11-20T09:00:00Z");
    private static final int CONTACTS = 300;
    private static final int RULES = 150;
    private static final String TENANT = "acme";
    private static final List<String> STRINGS = List.of("pro", "free", "team", "DE", "FR", "o'hara", "back\\slash",
            "tab\there", "ü-ber", "🙂 smile", "%_", "\"q\"", "') OR 1=1 --", "a", "b", "c");
    private static final List<Double> NUMBERS = List.of(0.0, 0.25, 0.5, 0.75, 1.0, 2.0, 3.0, -1.5, 100.0);
    private static final List<String> KEYS = List.of("plan", "country", "churn_risk", "logins", "beta", "last_login",
            "tags", "mixed", "missing");
    private static final List<String> TOPICS = List.of("newsletter", "product");

    private record State(Contact contact, Instant created, Instant updated) {
    }

    private TestEnvironment env;
    private Client client;
    private ClickHouseSql sql;
    private final MutableClock clock = new MutableClock(T0);
    private ContactStore contacts;
    private AudienceCounts counts;
    private final JsonMapper json = JsonMapper.createDefault();

    @BeforeEach
    void migrate() {
        env = TestEnvironment.create(AudienceRulePropertyTest.class);
        client = ClickHouseTestSupport.clientFor(env);
        sql = new ClickHouseSql(client, env.database(), env.services().clickhouseCluster());
        new Migrator(sql).migrate();
        contacts = new ContactStore(client, sql, json, clock, Duration.ofSeconds(60));
        counts = new AudienceCounts(sql, new SuppressionStore(sql, clock));
    }

    @AfterEach
    void drop() throws Exception {
        client.close();
        env.close();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 20261205})
    void clickHouseCountsWhatTheRuleSaysInMemory(long seed) throws Exception {
        Random random = new Random(seed);
        Map<String, State> states = writeContacts(random);
        // Unmerged, every version of a contact is a row of its own: counting must fold them. After the
        // deletions: a current server runs a mutation through the merge pool, and the chdb shim waits for it.
        sql.execute("SYSTEM STOP MERGES " + sql.table("contacts"));
        writeSecondVersions(random, states);
        Instant now = clock.instant();

        for (int i = 0; i < RULES; i++) {
            JsonNode ruleJson = rule(random, 1);
            List<RuleParser.Problem> problems = new ArrayList<>();
            Rule rule = RuleParser.parse(ruleJson, "rule", problems);
            assertEquals(List.of(), problems, json.writeValueAsString(ruleJson));

            // Half the rules are counted for mail of a topic: active matches without its consent are left out.
            String topic = random.nextBoolean() ? pick(random, TOPICS) : null;
            Map<ContactStatus, Long> expected = new EnumMap<>(ContactStatus.class);
            Set<String> expectedEligible = new HashSet<>();
            long expectedUnconsented = 0;
            for (ContactStatus status : ContactStatus.values()) {
                expected.put(status, 0L);
            }
            for (State s : states.values()) {
                if (RuleOracle.matches(rule, s.contact(), s.created(), s.updated(), now)) {
                    expected.merge(s.contact().status(), 1L, Long::sum);
                    if (s.contact().status() == ContactStatus.ACTIVE) {
                        Consent given = topic == null ? null : s.contact().consent().get(topic);
                        if (topic == null || (given != null && given.granted())) {
                            expectedEligible.add(s.contact().id());
                        } else {
                            expectedUnconsented++;
                        }
                    }
                }
            }
            String context = json.writeValueAsString(ruleJson) + " topic " + topic + "\n"
                    + new RuleSql(sql).where(TENANT, rule, now).inline();
            AudienceCounts.Count count = counts.count(TENANT, rule, now, topic);
            assertEquals(expected, count.byStatus(), context);
            assertEquals(expectedUnconsented, count.unconsented(), context);

            List<AudienceCounts.Member> sample = counts.sample(TENANT, rule, now, topic, 10);
            assertEquals(Math.min(10, expectedEligible.size()), sample.size(), context);
            sample.forEach(m -> assertTrue(expectedEligible.contains(m.id()), m + " is not an eligible match\n" + context));
        }
    }

    /** Version 1 of every contact, about 5 % deleted; a second tenant gets copies. */
    private Map<String, State> writeContacts(Random random) {
        Map<String, State> states = new LinkedHashMap<>();
        List<Contact> batch = new ArrayList<>();
        for (int i = 0; i < CONTACTS; i++) {
            batch.add(contact(random, "c-" + i, 1));
            if (batch.size() == 50) {
                write(batch, states);
                batch.clear();
            }
        }
        for (int i = 0; i < CONTACTS; i++) {
            if (random.nextInt(20) == 0) {
                assertTrue(contacts.delete(TENANT, "c-" + i));
                states.remove("c-" + i);
            }
        }
        return states;
    }

    /** Version 2 of about half the contacts left. */
    private void writeSecondVersions(Random random, Map<String, State> states) {
        List<Contact> batch = new ArrayList<>();
        for (String id : List.copyOf(states.keySet())) {
            if (random.nextBoolean()) {
                batch.add(contact(random, id, 2));
            }
        }
        write(batch, states);
        clock.advance(Duration.ofMinutes(1));
    }

    private void write(List<Contact> batch, Map<String, State> states) {
        clock.advance(Duration.ofMinutes(1));
        contacts.upsert(TENANT, batch);
        contacts.upsert("globex", batch);
        Instant at = clock.instant();
        for (Contact c : batch) {
            State before = states.get(c.id());
            states.put(c.id(), new State(c, before == null ? at : before.created(), at));
        }
    }

    private Contact contact(Random random, String id, long version) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        maybe(random, () -> attributes.put("plan", new AttributeValue.Text(pick(random, STRINGS))));
        maybe(random, () -> attributes.put("country", new AttributeValue.Text(pick(random, STRINGS))));
        maybe(random, () -> attributes.put("churn_risk", new AttributeValue.Number(pick(random, NUMBERS))));
        maybe(random, () -> attributes.put("logins", new AttributeValue.Number(random.nextInt(4))));
        maybe(random, () -> attributes.put("beta", new AttributeValue.Flag(random.nextBoolean())));
        maybe(random, () -> attributes.put("last_login", new AttributeValue.Time(time(random))));
        maybe(random, () -> attributes.put("tags", new AttributeValue.Texts(List.of(pick(random, STRINGS), pick(random, STRINGS)))));
        maybe(random, () -> attributes.put("mixed", switch (random.nextInt(3)) {
            case 0 -> new AttributeValue.Text(pick(random, STRINGS));
            case 1 -> new AttributeValue.Number(pick(random, NUMBERS));
            default -> new AttributeValue.Flag(random.nextBoolean());
        }));
        Map<String, Consent> consent = new LinkedHashMap<>();
        for (String topic : TOPICS) {
            maybe(random, () -> consent.put(topic, new Consent(random.nextBoolean(), T0, "test")));
        }
        ContactStatus status = random.nextInt(4) == 0 ? pick(random, List.of(ContactStatus.values())) : ContactStatus.ACTIVE;
        return new Contact(id, "u" + random.nextInt(50) + "@ex" + random.nextInt(3) + ".org",
                random.nextBoolean() ? pick(random, STRINGS) : null,
                random.nextBoolean() ? pick(random, List.of("Europe/Berlin", "America/New_York")) : null,
                random.nextBoolean() ? pick(random, List.of("de", "en", "pt-BR")) : null,
                status, attributes, consent, version);
    }

    private JsonNode rule(Random random, int depth) {
        int kind = depth >= 4 ? 3 : random.nextInt(6);
        return switch (kind) {
            case 0 -> group("all", random, depth);
            case 1 -> group("any", random, depth);
            case 2 -> object("not", rule(random, depth + 1));
            default -> condition(random);
        };
    }

    private JsonNode group(String name, Random random, int depth) {
        List<JsonNode> members = new ArrayList<>();
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            members.add(rule(random, depth + 1));
        }
        return object(name, JsonNode.createArrayNode(members));
    }

    private JsonNode condition(Random random) {
        String key = pick(random, KEYS);
        return switch (random.nextInt(14)) {
            case 0 -> attr(key, pick(random, List.of("eq", "ne", "contains", "starts_with")), text(random));
            case 1 -> attr(key, pick(random, List.of("in", "not_in")), JsonNode.createArrayNode(List.of(text(random), text(random))));
            case 2 -> attr(key, pick(random, List.of("eq", "ne", "lt", "lte", "gt", "gte")), JsonNode.createNumberNode(pick(random, NUMBERS)));
            case 3 -> attr(key, pick(random, List.of("in", "not_in")), JsonNode.createArrayNode(List.of(
                    JsonNode.createNumberNode(pick(random, NUMBERS)), JsonNode.createNumberNode(random.nextInt(4)))));
            case 4 -> attr(key, pick(random, List.of("eq", "ne")), JsonNode.createBooleanNode(random.nextBoolean()));
            case 5 -> attr(key, "exists", JsonNode.createBooleanNode(random.nextBoolean()));
            case 6 -> attr(key, pick(random, List.of("before", "after")), JsonNode.createStringNode(time(random).toString()));
            case 7 -> attr(key, "within_last", JsonNode.createStringNode(pick(random, List.of("30d", "7d", "2w", "90m", "12h"))));
            case 8 -> field("email", pick(random, List.of("contains", "starts_with", "eq")),
                    JsonNode.createStringNode(pick(random, List.of("ex1", "u1", "u17@ex2.org", "@"))));
            case 9 -> field(pick(random, List.of("name", "timezone", "locale")), pick(random, List.of("eq", "ne", "contains",
                    "starts_with")), JsonNode.createStringNode(pick(random, List.of("de", "Europe/Berlin", "pt", "o'", "🙂 smile"))));
            case 10 -> field(pick(random, List.of("name", "timezone", "locale")), "exists", JsonNode.createBooleanNode(random.nextBoolean()));
            case 11 -> statusCondition(random);
            case 12 -> field(pick(random, List.of("created_at", "updated_at")), pick(random, List.of("before", "after", "within_last")),
                    JsonNode.createStringNode("placeholder"));
            default -> object2("op", JsonNode.createStringNode("has_consent"), "value", JsonNode.createStringNode(pick(random, TOPICS)));
        };
    }

    private JsonNode statusCondition(Random random) {
        String op = pick(random, List.of("eq", "ne", "in", "not_in"));
        List<String> statuses = List.of("active", "unsubscribed", "bounced", "complained");
        JsonNode value = op.endsWith("in") ? JsonNode.createArrayNode(List.of(JsonNode.createStringNode(pick(random, statuses)),
                JsonNode.createStringNode(pick(random, statuses)))) : JsonNode.createStringNode(pick(random, statuses));
        return field("status", op, value);
    }

    private JsonNode text(Random random) {
        String s = pick(random, STRINGS);
        // A prefix too, for contains and starts_with; never empty.
        return JsonNode.createStringNode(random.nextBoolean() ? s : s.substring(0, Math.max(1, s.length() / 2)));
    }

    private static Instant time(Random random) {
        return T0.minus(Duration.ofHours(random.nextInt(24 * 40))).plusMillis(random.nextInt(1000));
    }

    private static JsonNode attr(String key, String op, JsonNode value) {
        return object3("attr", JsonNode.createStringNode(key), "op", JsonNode.createStringNode(op), "value", value);
    }

    private JsonNode field(String name, String op, JsonNode value) {
        if (value.isString() && value.getStringValue().equals("placeholder")) {
            value = JsonNode.createStringNode(op.equals("within_last") ? "10m" : clock.instant().minus(Duration.ofMinutes(5)).toString());
        }
        return object3("field", JsonNode.createStringNode(name), "op", JsonNode.createStringNode(op), "value", value);
    }

    private static JsonNode object(String name, JsonNode value) {
        return JsonNode.createObjectNode(Map.of(name, value));
    }

    private static JsonNode object2(String a, JsonNode av, String b, JsonNode bv) {
        Map<String, JsonNode> members = new LinkedHashMap<>();
        members.put(a, av);
        members.put(b, bv);
        return JsonNode.createObjectNode(members);
    }

    private static JsonNode object3(String a, JsonNode av, String b, JsonNode bv, String c, JsonNode cv) {
        Map<String, JsonNode> members = new LinkedHashMap<>();
        members.put(a, av);
        members.put(b, bv);
        members.put(c, cv);
        return JsonNode.createObjectNode(members);
    }

    private static void maybe(Random random, Runnable action) {
        if (random.nextInt(3) != 0) {
            action.run();
        }
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
