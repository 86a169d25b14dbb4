package dev.postdate.api.contacts;

import dev.postdate.api.intake.EmailRequestValidator;
import dev.postdate.api.intake.FieldPaths;
import dev.postdate.core.time.Rfc3339;
import dev.postdate.api.problem.FieldError;
import dev.postdate.clickhouse.contacts.AttributeValue;
import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.clickhouse.contacts.Contact;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.core.email.Address;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A contact from its JSON (docs/contacts.md): every field checked, each problem named by its path.
 * An attribute's type is its JSON type, a string in RFC 3339 form being a timestamp.
 */
@Singleton
public class ContactReader {

    static final Set<String> FIELDS = Set.of("id", "email", "name", "timezone", "locale", "status", "attributes",
            "consent", "version");
    private static final Set<String> CONSENT_FIELDS = Set.of("granted", "at", "source");
    private static final Pattern LANGUAGE_TAG = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*");
    private static final String API_SOURCE = "api";
    private static final String RESERVED_ID = "imports";
    /** Read once: getAvailableZoneIds() copies the set on every call, a cost per contact in an import. */
    private static final Set<String> ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());

    private final ContactLimits limits;
    private final Clock clock;

    public ContactReader(ContactLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** The contact at {@code path}; null when it has problems, which are added to errors. */
    public Contact read(JsonNode node, String path, List<FieldError> errors) {
        int before = errors.size();
        if (!node.isObject()) {
            errors.add(new FieldError(path, "must be an object"));
            return null;
        }
        for (Map.Entry<String, JsonNode> entry : node.entries()) {
            if (!FIELDS.contains(entry.getKey())) {
                errors.add(new FieldError(FieldPaths.join(path, entry.getKey()), "unknown field"));
            }
        }
        String id = id(node, path, errors);
        String email = email(node, path, errors);
        String name = text(node, path, "name", errors);
        String timezone = timezone(node, path, errors);
        String locale = locale(node, path, errors);
        ContactStatus status = status(node, path, errors);
        Map<String, AttributeValue> attributes = attributes(node.get("attributes"), FieldPaths.join(path, "attributes"), errors);
        Map<String, Consent> consent = consent(node.get("consent"), FieldPaths.join(path, "consent"), errors);
        long version = version(node, path, errors);
        if (errors.size() != before) {
            return null;
        }
        return new Contact(id, email, name, timezone, locale, status, attributes, consent, version);
    }

    private String id(JsonNode node, String path, List<FieldError> errors) {
        String id = text(node, path, "id", errors);
        if (id == null) {
            return UUID.randomUUID().toString();
        }
        if (id.isBlank() || id.length() > limits.maxIdLength() || id.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(FieldPaths.join(path, "id"),
                    "1 to " + limits.maxIdLength() + " characters, not only spaces, no control characters"));
        }
        if (id.equals(RESERVED_ID)) {
            errors.add(new FieldError(FieldPaths.join(path, "id"), "reserved: /v1/contacts/imports lists the imports"));
        }
        return id;
    }

    private static String email(JsonNode node, String path, List<FieldError> errors) {
        JsonNode value = node.get("email");
        String field = FieldPaths.join(path, "email");
        if (value == null || value.isNull()) {
            errors.add(new FieldError(field, "required"));
            return null;
        }
        if (!value.isString()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        List<FieldError> found = new ArrayList<>();
        Address deliverable = EmailRequestValidator.deliverable(new Address(value.getStringValue(), null), "", found);
        found.forEach(e -> errors.add(new FieldError(field, e.message())));
        return deliverable.email();
    }

    private String text(JsonNode node, String path, String name, List<FieldError> errors) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        String field = FieldPaths.join(path, name);
        if (!value.isString()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        return checkedString(value.getStringValue(), field, errors);
    }

    private String checkedString(String value, String field, List<FieldError> errors) {
        if (value.length() > limits.maxValueLength()) {
            errors.add(new FieldError(field, "longer than " + limits.maxValueLength() + " characters"));
        } else if (value.chars().anyMatch(c -> c == 0)) {
            errors.add(new FieldError(field, "must not contain NUL"));
        }
        return value;
    }

    private String timezone(JsonNode node, String path, List<FieldError> errors) {
        String zone = text(node, path, "timezone", errors);
        if (zone != null && !ZONES.contains(zone)) {
            errors.add(new FieldError(FieldPaths.join(path, "timezone"), "an IANA time zone such as Europe/Berlin"));
        }
        return zone;
    }

    private String locale(JsonNode node, String path, List<FieldError> errors) {
        String tag = text(node, path, "locale", errors);
        if (tag == null) {
            return null;
        }
        try {
            if (LANGUAGE_TAG.matcher(tag).matches()) {
                return new Locale.Builder().setLanguageTag(tag).build().toLanguageTag();
            }
        } catch (IllformedLocaleException e) {
            // reported below
        }
        errors.add(new FieldError(FieldPaths.join(path, "locale"), "a BCP 47 language tag such as de or pt-BR"));
        return null;
    }

    private ContactStatus status(JsonNode node, String path, List<FieldError> errors) {
        String status = text(node, path, "status", errors);
        if (status == null) {
            return ContactStatus.ACTIVE;
        }
        return ContactStatus.of(status).orElseGet(() -> {
            errors.add(new FieldError(FieldPaths.join(path, "status"), "one of active, unsubscribed, bounced, complained"));
            return ContactStatus.ACTIVE;
        });
    }

    private Map<String, AttributeValue> attributes(JsonNode node, String field, List<FieldError> errors) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return attributes;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(field, "must be an object"));
            return attributes;
        }
        for (Map.Entry<String, JsonNode> entry : node.entries()) {
            String key = FieldPaths.join(field, entry.getKey());
            if (!AttributeValue.NAME.matcher(entry.getKey()).matches()) {
                errors.add(new FieldError(key, "an attribute name is 1 to 64 of A-Z a-z 0-9 _, not starting with a digit"));
                continue;
            }
            AttributeValue value = attribute(entry.getValue(), key, errors);
            if (value != null) {
                attributes.put(entry.getKey(), value);
            }
        }
        if (attributes.size() > limits.maxAttributes()) {
            errors.add(new FieldError(field, "more than " + limits.maxAttributes() + " attributes"));
        }
        return attributes;
    }

    /** Null for a JSON null (no such attribute) or a problem. */
    private AttributeValue attribute(JsonNode value, String field, List<FieldError> errors) {
        if (value.isNull()) {
            return null;
        }
        if (value.isBoolean()) {
            return new AttributeValue.Flag(value.getBooleanValue());
        }
        if (value.isNumber()) {
            double number = value.getDoubleValue();
            if (!Double.isFinite(number)) {
                errors.add(new FieldError(field, "a number beyond a 64-bit float"));
                return null;
            }
            return new AttributeValue.Number(number);
        }
        if (value.isString()) {
            String text = checkedString(value.getStringValue(), field, errors);
            Instant time = Rfc3339.instant(text);
            return time != null ? new AttributeValue.Time(time.truncatedTo(ChronoUnit.MILLIS)) : new AttributeValue.Text(text);
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            int index = 0;
            for (JsonNode item : value.values()) {
                String itemField = FieldPaths.index(field, index++);
                if (!item.isString()) {
                    errors.add(new FieldError(itemField, "a list attribute holds strings only"));
                } else {
                    items.add(checkedString(item.getStringValue(), itemField, errors));
                }
            }
            if (items.size() > limits.maxListItems()) {
                errors.add(new FieldError(field, "more than " + limits.maxListItems() + " items"));
            }
            return new AttributeValue.Texts(List.copyOf(items));
        }
        errors.add(new FieldError(field, "must be a string, a number, a boolean, an RFC 3339 timestamp or a list of strings"));
        return null;
    }

    private Map<String, Consent> consent(JsonNode node, String field, List<FieldError> errors) {
        Map<String, Consent> consent = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return consent;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(field, "must be an object of topics"));
            return consent;
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        for (Map.Entry<String, JsonNode> entry : node.entries()) {
            String topicField = FieldPaths.join(field, entry.getKey());
            if (!Consent.TOPIC.matcher(entry.getKey()).matches()) {
                errors.add(new FieldError(topicField, "a topic is 1 to 64 of a-z 0-9 _ -, starting with a letter or digit"));
                continue;
            }
            JsonNode value = entry.getValue();
            if (value.isBoolean()) {
                consent.put(entry.getKey(), new Consent(value.getBooleanValue(), now, API_SOURCE));
            } else if (value.isObject()) {
                Consent given = consentObject(value, topicField, now, errors);
                if (given != null) {
                    consent.put(entry.getKey(), given);
                }
            } else if (!value.isNull()) {
                errors.add(new FieldError(topicField, "true, false or an object {granted, at, source}"));
            }
        }
        return consent;
    }

    private Consent consentObject(JsonNode value, String field, Instant now, List<FieldError> errors) {
        int before = errors.size();
        for (Map.Entry<String, JsonNode> entry : value.entries()) {
            if (!CONSENT_FIELDS.contains(entry.getKey())) {
                errors.add(new FieldError(FieldPaths.join(field, entry.getKey()), "unknown field"));
            }
        }
        JsonNode granted = value.get("granted");
        if (granted == null || !granted.isBoolean()) {
            errors.add(new FieldError(FieldPaths.join(field, "granted"), "required: true or false"));
        }
        Instant at = now;
        String atText = text(value, field, "at", errors);
        if (atText != null) {
            at = Rfc3339.instant(atText);
            if (at == null) {
                errors.add(new FieldError(FieldPaths.join(field, "at"), "an RFC 3339 timestamp such as 2026-11-30T10:00:00Z"));
            } else {
                at = at.truncatedTo(ChronoUnit.MILLIS);
            }
        }
        String source = text(value, field, "source", errors);
        return errors.size() != before ? null : new Consent(granted.getBooleanValue(), at, source == null ? API_SOURCE : source);
    }

    private long version(JsonNode node, String path, List<FieldError> errors) {
        JsonNode value = node.get("version");
        if (value == null || value.isNull()) {
            return clock.millis();
        }
        if (value.isNumber()) {
            try {
                long version = value.getBigDecimalValue().longValueExact();
                if (version >= 0) {
                    return version;
                }
            } catch (ArithmeticException | NumberFormatException e) { // NumberFormatException: beyond a double
                // reported below
            }
        }
        errors.add(new FieldError(FieldPaths.join(path, "version"), "a whole number from 0 to 9223372036854775807"));
        return 0;
    }
}
