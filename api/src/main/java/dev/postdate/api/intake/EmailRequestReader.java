package dev.postdate.api.intake;

import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.TemplateRef;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads request bodies from a JSON tree rather than binding them to classes, so that every wrong
 * type and unknown field is reported with its full path and index, all at once, instead of the
 * first binding error without a location.
 */
@Singleton
public class EmailRequestReader {

    private static final Set<String> EMAIL_FIELDS = Set.of("to", "from", "reply_to", "subject", "html", "text",
            "template", "data", "headers", "tags", "batch_id", "idempotency_key", "send_at");
    private static final Set<String> ADDRESS_FIELDS = Set.of("email", "name");
    private static final Set<String> TEMPLATE_FIELDS = Set.of("name", "version");
    private static final Set<String> BATCH_FIELDS = Set.of("emails");
    private static final String BATCH_EMAILS = "emails";

    private final JsonMapper json;

    public EmailRequestReader(JsonMapper json) {
        this.json = json;
    }

    /** @throws ProblemException malformed JSON, truncated body or not an object */
    public JsonNode parse(byte[] body) {
        JsonNode root;
        try {
            root = body.length == 0 ? null : json.readValue(body, Argument.of(JsonNode.class));
        } catch (IOException e) {
            throw new ProblemException(ProblemType.MALFORMED_JSON, "The body is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ProblemException(ProblemType.MALFORMED_JSON, "The body must be a JSON object");
        }
        return root;
    }

    /** The body of {@code POST /v1/emails}; null when its shape is wrong (then errors says why). */
    public ParsedEmail readSingle(JsonNode root, List<FieldError> errors) {
        return readEmail(root, "", errors);
    }

    /** The emails of {@code POST /v1/emails/batch}, each only when its shape is right. */
    public List<ParsedEmail> readBatch(JsonNode root, int maxEmails, List<FieldError> errors) {
        unknownFields(root, "", BATCH_FIELDS, errors);
        JsonNode emails = root.get(BATCH_EMAILS);
        if (emails == null || !emails.isArray()) {
            errors.add(new FieldError(BATCH_EMAILS, "required, an array of emails"));
            return List.of();
        }
        if (emails.size() == 0 || emails.size() > maxEmails) {
            errors.add(new FieldError(BATCH_EMAILS, "must hold 1 to " + maxEmails + " emails, not " + emails.size()));
            return List.of();
        }
        List<ParsedEmail> parsed = new ArrayList<>(emails.size());
        int index = 0;
        for (JsonNode email : emails.values()) {
            String path = FieldPaths.index(BATCH_EMAILS, index++);
            if (!email.isObject()) {
                errors.add(new FieldError(path, "must be an object"));
                continue;
            }
            ParsedEmail read = readEmail(email, path, errors);
            if (read != null) {
                parsed.add(read);
            }
        }
        return parsed;
    }

    private ParsedEmail readEmail(JsonNode node, String path, List<FieldError> errors) {
        int before = errors.size();
        unknownFields(node, path, EMAIL_FIELDS, errors);
        EmailRequest request = new EmailRequest(
                address(node, path, "to", true, errors),
                address(node, path, "from", true, errors),
                address(node, path, "reply_to", false, errors),
                string(node, path, "subject", false, errors),
                string(node, path, "html", false, errors),
                string(node, path, "text", false, errors),
                template(node, path, errors),
                data(node, path, errors),
                headers(node, path, errors),
                tags(node, path, errors),
                string(node, path, "batch_id", false, errors),
                string(node, path, "idempotency_key", false, errors),
                string(node, path, "send_at", false, errors));
        return errors.size() == before ? new ParsedEmail(path, request, node) : null;
    }

    private static void unknownFields(JsonNode node, String path, Set<String> known, List<FieldError> errors) {
        for (Map.Entry<String, JsonNode> entry : node.entries()) {
            if (!known.contains(entry.getKey())) {
                errors.add(new FieldError(FieldPaths.join(path, entry.getKey()), "unknown field"));
            }
        }
    }

    /** The field's value, or null when absent or JSON null. */
    private static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    private static String string(JsonNode node, String path, String name, boolean required, List<FieldError> errors) {
        JsonNode value = field(node, name);
        if (value == null) {
            if (required) {
                errors.add(new FieldError(FieldPaths.join(path, name), "required"));
            }
            return null;
        }
        if (!value.isString()) {
            errors.add(new FieldError(FieldPaths.join(path, name), "must be a string"));
            return null;
        }
        return value.getStringValue();
    }

    private static Address address(JsonNode node, String path, String name, boolean required, List<FieldError> errors) {
        JsonNode value = field(node, name);
        String field = FieldPaths.join(path, name);
        if (value == null) {
            if (required) {
                errors.add(new FieldError(field, "required"));
            }
            return null;
        }
        if (value.isString()) {
            return new Address(value.getStringValue(), null);
        }
        if (!value.isObject()) {
            errors.add(new FieldError(field, "must be an address string or an object {email, name}"));
            return null;
        }
        unknownFields(value, field, ADDRESS_FIELDS, errors);
        String email = string(value, field, "email", true, errors);
        String displayName = string(value, field, "name", false, errors);
        return email == null ? null : new Address(email, displayName);
    }

    private static TemplateRef template(JsonNode node, String path, List<FieldError> errors) {
        JsonNode value = field(node, "template");
        String field = FieldPaths.join(path, "template");
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            errors.add(new FieldError(field, "must be an object {name, version}"));
            return null;
        }
        unknownFields(value, field, TEMPLATE_FIELDS, errors);
        String name = string(value, field, "name", true, errors);
        JsonNode version = field(value, "version");
        if (version != null && !(version.isNumber() && isInt(version))) {
            errors.add(new FieldError(FieldPaths.join(field, "version"), "must be an integer"));
            return null;
        }
        return name == null ? null : new TemplateRef(name, version == null ? null : version.getIntValue());
    }

    private static boolean isInt(JsonNode number) {
        try {
            number.getBigDecimalValue().intValueExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(JsonNode node, String path, List<FieldError> errors) {
        JsonNode value = field(node, "data");
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            errors.add(new FieldError(FieldPaths.join(path, "data"), "must be an object"));
            return null;
        }
        return (Map<String, Object>) JsonTrees.toJava(value);
    }

    private static Map<String, String> headers(JsonNode node, String path, List<FieldError> errors) {
        JsonNode value = field(node, "headers");
        String field = FieldPaths.join(path, "headers");
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            errors.add(new FieldError(field, "must be an object of header name to string value"));
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : value.entries()) {
            if (entry.getValue().isString()) {
                headers.put(entry.getKey(), entry.getValue().getStringValue());
            } else {
                errors.add(new FieldError(FieldPaths.join(field, entry.getKey()), "must be a string"));
            }
        }
        return headers;
    }

    private static List<String> tags(JsonNode node, String path, List<FieldError> errors) {
        JsonNode value = field(node, "tags");
        String field = FieldPaths.join(path, "tags");
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            errors.add(new FieldError(field, "must be an array of strings"));
            return List.of();
        }
        List<String> tags = new ArrayList<>(value.size());
        int index = 0;
        for (JsonNode tag : value.values()) {
            if (tag.isString()) {
                tags.add(tag.getStringValue());
            } else {
                errors.add(new FieldError(FieldPaths.index(field, index), "must be a string"));
            }
            index++;
        }
        return tags;
    }
}
