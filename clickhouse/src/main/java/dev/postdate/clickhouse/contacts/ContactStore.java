package dev.postdate.clickhouse.contacts;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.RowBinaryInsert;
import dev.postdate.clickhouse.RowBinaryWriter;
import io.micronaut.context.annotation.Value;
import dev.postdate.clickhouse.Sql;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Contacts in ClickHouse ({@code contacts}, {@code contacts_created}; V017, {@code contacts_by_email};
 * V020). A write appends a row and never reads: the row with the highest version is the contact,
 * before and after merges.
 */
@Singleton
public class ContactStore {

    private static final List<String> COLUMNS = List.of("tenant", "contact_id", "version", "deleted", "email", "name",
            "timezone", "locale", "status", "attributes", "consent", "str_keys", "str_values", "num_keys", "num_values",
            "bool_keys", "bool_values", "time_keys", "time_values", "list_keys", "list_values", "consented", "updated_ms");
    private static final List<String> CREATED_COLUMNS = List.of("tenant", "contact_id", "created_ms", "rank");
    private static final List<String> BY_EMAIL_COLUMNS = List.of("tenant", "email", "contact_id");

    private final Client client;
    private final ClickHouseSql sql;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration writeTimeout;

    /** @param writeTimeout bound of each of an upsert's inserts (up to postdate.contacts.max-batch contacts) */
    public ContactStore(Client client, ClickHouseSql sql, JsonMapper json, Clock clock,
                        @Value("${postdate.contacts.write-timeout:60s}") Duration writeTimeout) {
        this.client = client;
        this.sql = sql;
        this.json = json;
        this.clock = clock;
        this.writeTimeout = writeTimeout;
    }

    /**
     * Writes each contact as its new state; writing the same contacts again changes nothing. Three
     * inserts in RowBinary (nothing to escape, nothing for the server to parse as SQL).
     */
    public void upsert(String tenant, List<Contact> contacts) {
        if (contacts.isEmpty()) {
            return;
        }
        long now = clock.millis();
        // First seen before the contact itself: a failure in between leaves a creation time of nothing.
        RowBinaryInsert.insert(client, sql.table("contacts_created"), CREATED_COLUMNS, contacts, (out, c) -> {
            out.string(tenant);
            out.string(c.id());
            out.uint64(now);
            out.uint64(-1L - now);
        }, writeTimeout);
        // Indexed before the contact is written: the send-time check never misses a contact it could read.
        RowBinaryInsert.insert(client, sql.table("contacts_by_email"), BY_EMAIL_COLUMNS, contacts, (out, c) -> {
            out.string(tenant);
            out.string(c.email().toLowerCase(Locale.ROOT));
            out.string(c.id());
        }, writeTimeout);
        RowBinaryInsert.insert(client, sql.table("contacts"), COLUMNS, contacts, (out, c) -> row(out, tenant, c, now),
                writeTimeout);
    }

    /**
     * Withdraws {@code topic} for every contact of the tenant whose address is {@code address} (any case),
     * each written as its next version. A contact versioned by write times (the default: no version
     * of the tenant's, or the tenant's own times in ms) gets at least the write time, as a PATCH does:
     * read + 1 would lose to a write made meanwhile at the write time, and the withdrawal would vanish.
     * A contact with the tenant's own counter keeps counting (read + 1), so that the tenant's next write
     * is not outranked for good. A contact that has it withdrawn already is left alone, so that the
     * same unsubscribe handled twice writes nothing the second time. Returns how many changed.
     */
    public int withdrawConsent(String tenant, String address, String topic, Instant at, String source) {
        List<Contact> changed = new ArrayList<>();
        for (List<String> row : sql.select(Sql.of("SELECT DISTINCT contact_id FROM " + sql.table("contacts_by_email")
                + " WHERE tenant = ").value(tenant).sql(" AND email = ").value(address.toLowerCase(Locale.ROOT)))) {
            find(tenant, row.getFirst()).map(StoredContact::contact)
                    .filter(c -> c.email().equalsIgnoreCase(address))
                    .filter(c -> c.consent().get(topic) == null || c.consent().get(topic).granted())
                    .ifPresent(c -> {
                        Map<String, Consent> consent = new LinkedHashMap<>(c.consent());
                        consent.put(topic, new Consent(false, at, source));
                        changed.add(new Contact(c.id(), c.email(), c.name(), c.timezone(), c.locale(), c.status(),
                                c.attributes(), consent, nextVersion(c.version())));
                    });
        }
        upsert(tenant, changed);
        return changed.size();
    }

    /** Versions from here on are times in ms (2001 and later); below, a tenant's own counter. */
    private static final long FIRST_TIME_VERSION = 1_000_000_000_000L;

    private long nextVersion(long version) {
        return version >= FIRST_TIME_VERSION ? Math.max(clock.millis(), version + 1) : version + 1;
    }

    /** The contact, unless the tenant has no such id or deleted it. */
    public Optional<StoredContact> find(String tenant, String id) {
        Sql of = of(tenant, id);
        List<List<String>> rows = sql.select(Sql.of("SELECT contact_id, version, deleted, email, name, timezone, locale, status,"
                + " attributes, consent, updated_ms, (SELECT min(created_ms) FROM " + sql.table("contacts_created")
                + " WHERE ").sql(of).sql(") FROM " + sql.table("contacts") + " WHERE ").sql(of)
                .sql(" ORDER BY version DESC, updated_ms DESC LIMIT 1"));
        if (rows.isEmpty() || rows.getFirst().get(2).equals("1")) {
            return Optional.empty();
        }
        List<String> row = rows.getFirst();
        Instant updated = Instant.ofEpochMilli(Long.parseLong(row.get(10)));
        long createdMs = Long.parseLong(row.get(11));
        Contact contact = new Contact(row.get(0), row.get(3), emptyToNull(row.get(4)), emptyToNull(row.get(5)),
                emptyToNull(row.get(6)), ContactStatus.of(row.get(7)).orElseThrow(), attributes(parse(row.get(8))),
                consent(parse(row.get(9))), Long.parseUnsignedLong(row.get(1)));
        return Optional.of(new StoredContact(contact, createdMs == 0 ? updated : Instant.ofEpochMilli(createdMs), updated));
    }

    /**
     * Erases the contact: a mutation removes every row written so far (ClickHouse rewrites the parts
     * in the background), and a row without personal data, one version above the last, hides them
     * until it has. False when there is no such contact.
     */
    public boolean delete(String tenant, String id) {
        Optional<StoredContact> current = find(tenant, id);
        if (current.isEmpty()) {
            return false;
        }
        Sql of = of(tenant, id);
        for (String table : List.of("contacts", "contacts_created", "contacts_by_email")) {
            sql.execute(Sql.of("ALTER TABLE " + sql.table(table) + " DELETE WHERE ").sql(of));
        }
        // The mutation spares parts written after it, so the tombstone survives it.
        long updated = clock.millis();
        sql.insert(sql.table("contacts"), List.of("tenant", "contact_id", "version", "deleted", "status", "updated_ms"),
                List.of(current.get().contact()), (out, c) -> {
                    out.string(tenant);
                    out.string(id);
                    out.uint64(c.version() + 1);
                    out.uint8(1);
                    out.string(ContactStatus.ACTIVE.wireName());
                    out.uint64(updated);
                });
        return true;
    }

    /** One row of {@code contacts}, in the order of {@link #COLUMNS}. */
    private void row(RowBinaryWriter out, String tenant, Contact c, long now) throws IOException {
        List<String> strKeys = new ArrayList<>();
        List<String> strValues = new ArrayList<>();
        List<String> numKeys = new ArrayList<>();
        List<Double> numValues = new ArrayList<>();
        List<String> boolKeys = new ArrayList<>();
        List<Boolean> boolValues = new ArrayList<>();
        List<String> timeKeys = new ArrayList<>();
        List<Long> timeValues = new ArrayList<>();
        List<String> listKeys = new ArrayList<>();
        List<List<String>> listValues = new ArrayList<>();
        c.attributes().forEach((key, value) -> {
            switch (value) {
                case AttributeValue.Text text -> {
                    strKeys.add(key);
                    strValues.add(text.value());
                }
                case AttributeValue.Number number -> {
                    numKeys.add(key);
                    numValues.add(number.value());
                }
                case AttributeValue.Flag flag -> {
                    boolKeys.add(key);
                    boolValues.add(flag.value());
                }
                case AttributeValue.Time time -> {
                    timeKeys.add(key);
                    timeValues.add(time.value().toEpochMilli());
                }
                case AttributeValue.Texts texts -> {
                    listKeys.add(key);
                    listValues.add(texts.values());
                }
            }
        });
        out.string(tenant);
        out.string(c.id());
        out.uint64(c.version());
        out.uint8(0);
        out.string(c.email());
        out.string(orEmpty(c.name()));
        out.string(orEmpty(c.timezone()));
        out.string(orEmpty(c.locale()));
        out.string(c.status().wireName());
        out.string(write(attributesJson(c.attributes())));
        out.string(write(consentJson(c.consent())));
        strings(out, strKeys);
        strings(out, strValues);
        strings(out, numKeys);
        out.arrayLength(numValues.size());
        for (double v : numValues) {
            out.float64(v);
        }
        strings(out, boolKeys);
        out.arrayLength(boolValues.size());
        for (boolean v : boolValues) {
            out.uint8(v ? 1 : 0);
        }
        strings(out, timeKeys);
        out.arrayLength(timeValues.size());
        for (long v : timeValues) {
            out.int64(v);
        }
        strings(out, listKeys);
        out.arrayLength(listValues.size());
        for (List<String> v : listValues) {
            strings(out, v);
        }
        strings(out, c.consent().entrySet().stream().filter(e -> e.getValue().granted()).map(Map.Entry::getKey).toList());
        out.uint64(now);
    }

    private static void strings(RowBinaryWriter out, List<String> values) throws IOException {
        out.arrayLength(values.size());
        for (String value : values) {
            out.string(value);
        }
    }

    /** Stored as {@code {"plan": {"t": "string", "v": "pro"}}}: the type is kept, not guessed again on reading. */
    private static JsonNode attributesJson(Map<String, AttributeValue> attributes) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        attributes.forEach((key, value) -> out.put(key, JsonNode.createObjectNode(Map.of(
                "t", JsonNode.createStringNode(value.type()), "v", valueJson(value)))));
        return JsonNode.createObjectNode(out);
    }

    private static JsonNode valueJson(AttributeValue value) {
        return switch (value) {
            case AttributeValue.Text text -> JsonNode.createStringNode(text.value());
            case AttributeValue.Number number -> JsonNode.createNumberNode(number.value());
            case AttributeValue.Flag flag -> JsonNode.createBooleanNode(flag.value());
            case AttributeValue.Time time -> JsonNode.createNumberNode(time.value().toEpochMilli());
            case AttributeValue.Texts texts -> JsonNode.createArrayNode(texts.values().stream()
                    .map(JsonNode::createStringNode).toList());
        };
    }

    /** The attributes of a contact from their stored JSON ({@code contacts.attributes}). */
    public static Map<String, AttributeValue> attributes(JsonNode stored) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : stored.entries()) {
            JsonNode v = entry.getValue().get("v");
            out.put(entry.getKey(), switch (entry.getValue().get("t").getStringValue()) {
                case "string" -> new AttributeValue.Text(v.getStringValue());
                case "number" -> new AttributeValue.Number(v.getDoubleValue());
                case "boolean" -> new AttributeValue.Flag(v.getBooleanValue());
                case "timestamp" -> new AttributeValue.Time(Instant.ofEpochMilli(v.getLongValue()));
                case "list" -> {
                    List<String> values = new ArrayList<>();
                    v.values().forEach(item -> values.add(item.getStringValue()));
                    yield new AttributeValue.Texts(List.copyOf(values));
                }
                default -> throw new IllegalStateException("unknown attribute type in contacts.attributes");
            });
        }
        return out;
    }

    private static JsonNode consentJson(Map<String, Consent> consent) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        consent.forEach((topic, c) -> out.put(topic, JsonNode.createObjectNode(Map.of(
                "granted", JsonNode.createBooleanNode(c.granted()),
                "at", JsonNode.createNumberNode(c.at().toEpochMilli()),
                "source", JsonNode.createStringNode(c.source())))));
        return JsonNode.createObjectNode(out);
    }

    private static Map<String, Consent> consent(JsonNode stored) {
        Map<String, Consent> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : stored.entries()) {
            JsonNode c = entry.getValue();
            out.put(entry.getKey(), new Consent(c.get("granted").getBooleanValue(),
                    Instant.ofEpochMilli(c.get("at").getLongValue()), c.get("source").getStringValue()));
        }
        return out;
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode parse(String text) {
        try {
            return json.readValue(text, JsonNode.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Sql of(String tenant, String id) {
        return Sql.of("tenant = ").value(tenant).sql(" AND contact_id = ").value(id);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
