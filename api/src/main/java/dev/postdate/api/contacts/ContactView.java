package dev.postdate.api.contacts;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.clickhouse.contacts.AttributeValue;
import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.clickhouse.contacts.StoredContact;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A contact as the API shows it; its writable part is also the base a PATCH merges into. */
@Serdeable
@Schema(name = "Contact")
public record ContactView(String id, String email, @Nullable String name, @Nullable String timezone,
                          @Nullable String locale, String status,
                          @Schema(description = "name to string, number, boolean, RFC 3339 timestamp or list of strings")
                          Map<String, Object> attributes,
                          Map<String, ConsentView> consent, long version,
                          @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt) {

    @Serdeable
    @Schema(name = "Consent")
    public record ConsentView(boolean granted, String at, String source) {
    }

    /** Above this a double is not shown as a whole number: it may not be one exactly. */
    private static final double EXACT_INTEGERS = 9_007_199_254_740_992d;

    static ContactView of(StoredContact stored) {
        var c = stored.contact();
        Map<String, Object> attributes = new LinkedHashMap<>();
        c.attributes().forEach((key, value) -> attributes.put(key, json(value)));
        Map<String, ConsentView> consent = new LinkedHashMap<>();
        c.consent().forEach((topic, given) -> consent.put(topic, view(given)));
        return new ContactView(c.id(), c.email(), c.name(), c.timezone(), c.locale(), c.status().wireName(), attributes,
                consent, c.version(), stored.createdAt().toString(), stored.updatedAt().toString());
    }

    /** The fields a client writes, as JSON: what {@code PATCH} merges its patch into. */
    JsonNode writable() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        out.put("email", JsonNode.createStringNode(email));
        putIfSet(out, "name", name);
        putIfSet(out, "timezone", timezone);
        putIfSet(out, "locale", locale);
        out.put("status", JsonNode.createStringNode(status));
        Map<String, JsonNode> attributeNodes = new LinkedHashMap<>();
        attributes.forEach((key, value) -> attributeNodes.put(key, node(value)));
        out.put("attributes", JsonNode.createObjectNode(attributeNodes));
        Map<String, JsonNode> consentNodes = new LinkedHashMap<>();
        consent.forEach((topic, given) -> consentNodes.put(topic, JsonNode.createObjectNode(Map.of(
                "granted", JsonNode.createBooleanNode(given.granted()), "at", JsonNode.createStringNode(given.at()),
                "source", JsonNode.createStringNode(given.source())))));
        out.put("consent", JsonNode.createObjectNode(consentNodes));
        return JsonNode.createObjectNode(out);
    }

    private static void putIfSet(Map<String, JsonNode> out, String name, @Nullable String value) {
        if (value != null) {
            out.put(name, JsonNode.createStringNode(value));
        }
    }

    private static Object json(AttributeValue value) {
        return switch (value) {
            case AttributeValue.Text text -> text.value();
            case AttributeValue.Number number -> Math.rint(number.value()) == number.value()
                    && Math.abs(number.value()) < EXACT_INTEGERS ? (Object) (long) number.value() : number.value();
            case AttributeValue.Flag flag -> flag.value();
            case AttributeValue.Time time -> time.value().toString();
            case AttributeValue.Texts texts -> texts.values();
        };
    }

    @SuppressWarnings("unchecked")
    private static JsonNode node(Object value) {
        return switch (value) {
            case String text -> JsonNode.createStringNode(text);
            case Long number -> JsonNode.createNumberNode(number);
            case Double number -> JsonNode.createNumberNode(number);
            case Boolean flag -> JsonNode.createBooleanNode(flag);
            case List<?> texts -> JsonNode.createArrayNode(((List<String>) texts).stream().map(JsonNode::createStringNode).toList());
            default -> throw new IllegalArgumentException("not an attribute value: " + value.getClass());
        };
    }

    private static ConsentView view(Consent consent) {
        return new ConsentView(consent.granted(), consent.at().toString(), consent.source());
    }
}
