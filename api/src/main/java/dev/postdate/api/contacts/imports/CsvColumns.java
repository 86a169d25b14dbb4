package dev.postdate.api.contacts.imports;

import dev.postdate.api.problem.FieldError;
import dev.postdate.clickhouse.contacts.AttributeValue;
import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.core.time.Rfc3339;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A CSV import's header and attribute types, and how one record becomes a contact's JSON (the shape
 * {@code POST /v1/contacts} takes, so that one reader checks both). Columns {@code id}, {@code email},
 * {@code name}, {@code timezone}, {@code locale}, {@code status} and {@code version} are the contact's
 * own, {@code consent.TOPIC} a consent (true/false, yes/no, 1/0), every other one an attribute: of the
 * declared type, or inferred per cell (true/false a boolean, a plain decimal number a number, an
 * RFC 3339 timestamp a timestamp, else a string). An empty cell leaves the field out.
 */
final class CsvColumns {

    static final List<String> TYPES = List.of("string", "number", "boolean", "timestamp", "list");
    private static final Set<String> BUILT_IN = Set.of("id", "email", "name", "timezone", "locale", "status", "version");
    private static final String CONSENT = "consent.";
    /** Inferred as a number: no leading zeros (a zip code stays a string), no sign but minus, no hex or NaN. */
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    /** A list cell's separator between its strings. */
    static final String LIST_SEPARATOR = "|";

    private final List<String> header;
    private final Map<String, String> types;

    private CsvColumns(List<String> header, Map<String, String> types) {
        this.header = List.copyOf(header);
        this.types = Map.copyOf(types);
    }

    /**
     * The header record of the file's first part, with the types the request declared
     * ({@code plan:string,churn_risk:number}); problems name {@code header} or {@code types}.
     */
    static CsvColumns of(List<String> header, String declared, List<FieldError> errors) {
        Set<String> seen = new HashSet<>();
        for (String column : header) {
            String name = column.strip();
            if (!seen.add(name)) {
                errors.add(new FieldError("header", "column " + quoted(name) + " appears twice"));
            } else if (name.startsWith(CONSENT)) {
                if (!Consent.TOPIC.matcher(name.substring(CONSENT.length())).matches()) {
                    errors.add(new FieldError("header", "column " + quoted(name)
                            + ": a consent topic is 1 to 64 of a-z 0-9 _ -, starting with a letter or digit"));
                }
            } else if (!BUILT_IN.contains(name) && !AttributeValue.NAME.matcher(name).matches()) {
                errors.add(new FieldError("header", "column " + quoted(name)
                        + ": an attribute name is 1 to 64 of A-Z a-z 0-9 _, not starting with a digit"));
            }
        }
        if (!seen.contains("email")) {
            errors.add(new FieldError("header", "needs an email column"));
        }
        Map<String, String> types = new LinkedHashMap<>();
        if (declared != null && !declared.isBlank()) {
            for (String pair : declared.split(",")) {
                int colon = pair.indexOf(':');
                String name = colon < 0 ? pair.strip() : pair.substring(0, colon).strip();
                String type = colon < 0 ? "" : pair.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
                if (!TYPES.contains(type)) {
                    errors.add(new FieldError("types", quoted(name) + ": the type must be one of " + TYPES));
                } else if (!seen.contains(name) || BUILT_IN.contains(name) || name.startsWith(CONSENT)) {
                    errors.add(new FieldError("types", quoted(name) + " is not an attribute column of the header"));
                } else {
                    types.put(name, type);
                }
            }
        }
        return new CsvColumns(header.stream().map(String::strip).toList(), types);
    }

    /** What a later part needs, as stored with the import ({@code columns} of {@code contact_imports}). */
    String toJson(JsonMapper json) {
        Map<String, JsonNode> typeNodes = new LinkedHashMap<>();
        types.forEach((name, type) -> typeNodes.put(name, JsonNode.createStringNode(type)));
        try {
            return json.writeValueAsString(JsonNode.createObjectNode(Map.of(
                    "header", JsonNode.createArrayNode(header.stream().map(JsonNode::createStringNode).toList()),
                    "types", JsonNode.createObjectNode(typeNodes))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CsvColumns fromJson(JsonMapper json, String stored) {
        try {
            JsonNode node = json.readValue(stored, JsonNode.class);
            List<String> header = new ArrayList<>();
            node.get("header").values().forEach(h -> header.add(h.getStringValue()));
            Map<String, String> types = new LinkedHashMap<>();
            node.get("types").entries().forEach(e -> types.put(e.getKey(), e.getValue().getStringValue()));
            return new CsvColumns(header, types);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record as a contact's JSON; cells that cannot be their declared type are added to errors by column. */
    JsonNode contact(CSVRecord record, List<FieldError> errors) {
        if (record.size() != header.size()) {
            errors.add(new FieldError("", record.size() + " cells for " + header.size() + " columns"));
            return null;
        }
        Map<String, JsonNode> contact = new LinkedHashMap<>();
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        Map<String, JsonNode> consent = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String column = header.get(i);
            String cell = record.get(i);
            if (cell.isEmpty()) {
                continue;
            }
            if (column.equals("version")) {
                Long version = version(cell);
                if (version == null) {
                    errors.add(new FieldError(column, "a whole number from 0 to 9223372036854775807"));
                } else {
                    contact.put(column, JsonNode.createNumberNode(version));
                }
            } else if (BUILT_IN.contains(column)) {
                contact.put(column, JsonNode.createStringNode(cell));
            } else if (column.startsWith(CONSENT)) {
                Boolean granted = flag(cell);
                if (granted == null) {
                    errors.add(new FieldError(column, "true or false (also yes/no, 1/0)"));
                } else {
                    consent.put(column.substring(CONSENT.length()), JsonNode.createBooleanNode(granted));
                }
            } else {
                JsonNode value = attribute(types.get(column), cell);
                if (value == null) {
                    errors.add(new FieldError(column, "not a " + types.get(column)));
                } else {
                    attributes.put(column, value);
                }
            }
        }
        if (!attributes.isEmpty()) {
            contact.put("attributes", JsonNode.createObjectNode(attributes));
        }
        if (!consent.isEmpty()) {
            contact.put("consent", JsonNode.createObjectNode(consent));
        }
        return JsonNode.createObjectNode(contact);
    }

    /** Null when the cell is not of the declared type. */
    private static JsonNode attribute(String type, String cell) {
        if (type == null) {
            Boolean flag = cell.equals("true") ? Boolean.TRUE : cell.equals("false") ? Boolean.FALSE : null;
            if (flag != null) {
                return JsonNode.createBooleanNode(flag);
            }
            JsonNode number = NUMBER.matcher(cell).matches() ? number(cell) : null;
            return number != null ? number : JsonNode.createStringNode(cell);
        }
        return switch (type) {
            case "number" -> NUMBER.matcher(cell.strip()).matches() ? number(cell.strip()) : null;
            case "boolean" -> {
                Boolean flag = flag(cell);
                yield flag == null ? null : JsonNode.createBooleanNode(flag);
            }
            case "list" -> {
                List<JsonNode> items = new ArrayList<>();
                for (String item : cell.split(Pattern.quote(LIST_SEPARATOR), -1)) {
                    items.add(JsonNode.createStringNode(item));
                }
                yield JsonNode.createArrayNode(items);
            }
            // The reader makes an RFC 3339 string a timestamp; a declared timestamp must be one.
            case "timestamp" -> Rfc3339.instant(cell) == null ? null : JsonNode.createStringNode(cell);
            default -> JsonNode.createStringNode(cell);
        };
    }

    /** Null unless the cell is digits only and fits a long. */
    private static Long version(String cell) {
        if (cell.isEmpty() || !cell.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        try {
            return Long.parseLong(cell);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static JsonNode number(String cell) {
        double value = Double.parseDouble(cell);
        return Double.isFinite(value) ? JsonNode.createNumberNode(value) : null;
    }

    private static Boolean flag(String cell) {
        return switch (cell.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> Boolean.TRUE;
            case "false", "no", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static String quoted(String name) {
        return "'" + name + "'";
    }
}
