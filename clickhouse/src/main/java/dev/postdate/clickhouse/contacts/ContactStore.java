package dev.postdate.clickhouse.contacts;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Contacts in ClickHouse ({@code contacts}, {@code contacts_created}; V017, {@code contacts_by_email};
 * V020). A write appends a row and never reads: the row with the highest version is the contact,
 * before and after merges.
 */
@Singleton
public class ContactStore {

    private static final String COLUMNS = "tenant, contact_id, version, deleted, email, name, timezone, locale, status,"
            + " attributes, consent, str_keys, str_values, num_keys, num_values, bool_keys, bool_values, time_keys,"
            + " time_values, list_keys, list_values, consented, updated_ms";

    private final ClickHouseSql sql;
    private final JsonMapper json;
    private final Clock clock;

    public ContactStore(ClickHouseSql sql, JsonMapper json, Clock clock) {
        this.sql = sql;
        this.json = json;
        this.clock = clock;
    }

    /** Writes each contact as its new state; writing the same contacts again changes nothing. */
    public void upsert(String tenant, List<Contact> contacts) {
        if (contacts.isEmpty()) {
            return;
        }
        long now = clock.millis();
        // First seen before the contact itself: a failure in between leaves a creation time of nothing.
        sql.execute("INSERT INTO " + sql.table("contacts_created") + " (tenant, contact_id, created_ms, rank) VALUES "
                + contacts.stream().map(c -> "(" + SqlLiteral.string(tenant) + ", " + SqlLiteral.string(c.id()) + ", "
                        + now + ", " + Long.toUnsignedString(-1L - now) + ")").collect(Collectors.joining(", ")));
        // Indexed before the contact is written: the send-time check never misses a contact it could read.
        sql.execute("INSERT INTO " + sql.table("contacts_by_email") + " (tenant, email, contact_id) VALUES "
                + contacts.stream().map(c -> "(" + SqlLiteral.string(tenant) + ", "
                        + SqlLiteral.string(c.email().toLowerCase(Locale.ROOT)) + ", " + SqlLiteral.string(c.id()) + ")")
                .collect(Collectors.joining(", ")));
        sql.execute("INSERT INTO " + sql.table("contacts") + " (" + COLUMNS + ") VALUES "
                + contacts.stream().map(c -> row(tenant, c, now)).collect(Collectors.joining(", ")));
    }

    /** The contact, unless the tenant has none of that id or deleted it. */
    public Optional<StoredContact> find(String tenant, String id) {
        String of = of(tenant, id);
        List<List<String>> rows = sql.select("SELECT contact_id, version, deleted, email, name, timezone, locale, status,"
                + " attributes, consent, updated_ms, (SELECT min(created_ms) FROM " + sql.table("contacts_created")
                + " WHERE " + of + ") FROM " + sql.table("contacts") + " WHERE " + of
                + " ORDER BY version DESC, updated_ms DESC LIMIT 1");
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
        sql.execute("ALTER TABLE " + sql.table("contacts") + " DELETE WHERE " + of(tenant, id));
        sql.execute("ALTER TABLE " + sql.table("contacts_created") + " DELETE WHERE " + of(tenant, id));
        sql.execute("ALTER TABLE " + sql.table("contacts_by_email") + " DELETE WHERE " + of(tenant, id));
        // The mutation spares parts written after it, so the tombstone survives it.
        sql.execute("INSERT INTO " + sql.table("contacts") + " (tenant, contact_id, version, deleted, status, updated_ms)"
                + " VALUES (" + SqlLiteral.string(tenant) + ", " + SqlLiteral.string(id) + ", "
                + Long.toUnsignedString(current.get().contact().version() + 1) + ", 1, "
                + SqlLiteral.string(ContactStatus.ACTIVE.wireName()) + ", " + clock.millis() + ")");
        return true;
    }

    private String row(String tenant, Contact c, long now) {
        List<String> strKeys = new ArrayList<>();
        List<String> strValues = new ArrayList<>();
        List<String> numKeys = new ArrayList<>();
        List<String> numValues = new ArrayList<>();
        List<String> boolKeys = new ArrayList<>();
        List<String> boolValues = new ArrayList<>();
        List<String> timeKeys = new ArrayList<>();
        List<String> timeValues = new ArrayList<>();
        List<String> listKeys = new ArrayList<>();
        List<String> listValues = new ArrayList<>();
        c.attributes().forEach((key, value) -> {
            switch (value) {
                case AttributeValue.Text text -> {
                    strKeys.add(SqlLiteral.string(key));
                    strValues.add(SqlLiteral.string(text.value()));
                }
                case AttributeValue.Number number -> {
                    numKeys.add(SqlLiteral.string(key));
                    numValues.add(Double.toString(number.value()));
                }
                case AttributeValue.Flag flag -> {
                    boolKeys.add(SqlLiteral.string(key));
                    boolValues.add(flag.value() ? "1" : "0");
                }
                case AttributeValue.Time time -> {
                    timeKeys.add(SqlLiteral.string(key));
                    timeValues.add(Long.toString(time.value().toEpochMilli()));
                }
                case AttributeValue.Texts texts -> {
                    listKeys.add(SqlLiteral.string(key));
                    listValues.add(array(texts.values().stream().map(SqlLiteral::string).toList()));
                }
            }
        });
        List<String> consented = c.consent().entrySet().stream().filter(e -> e.getValue().granted())
                .map(e -> SqlLiteral.string(e.getKey())).toList();
        return "(" + String.join(", ", SqlLiteral.string(tenant), SqlLiteral.string(c.id()),
                Long.toUnsignedString(c.version()), "0", SqlLiteral.string(c.email()), SqlLiteral.string(orEmpty(c.name())),
                SqlLiteral.string(orEmpty(c.timezone())), SqlLiteral.string(orEmpty(c.locale())),
                SqlLiteral.string(c.status().wireName()), SqlLiteral.string(write(attributesJson(c.attributes()))),
                SqlLiteral.string(write(consentJson(c.consent()))), array(strKeys), array(strValues), array(numKeys),
                array(numValues), array(boolKeys), array(boolValues), array(timeKeys), array(timeValues), array(listKeys),
                array(listValues), array(consented), Long.toString(now)) + ")";
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

    private static Map<String, AttributeValue> attributes(JsonNode stored) {
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

    private static String array(List<String> literals) {
        return "[" + String.join(", ", literals) + "]";
    }

    private static String of(String tenant, String id) {
        return "tenant = " + SqlLiteral.string(tenant) + " AND contact_id = " + SqlLiteral.string(id);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
