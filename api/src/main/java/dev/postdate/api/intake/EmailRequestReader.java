package dev.postdate.api.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.TemplateRef;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jackson.core.tree.JsonNodeTreeCodec;
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
            "template", "data", "headers", "tags", "batch_id", "idempotency_key", "send_at", "topic", "tracking");
    private static final Set<String> ADDRESS_FIELDS = Set.of("email", "name");
    private static final Set<String> TEMPLATE_FIELDS = Set.of("name", "version");
    private static final Set<String> BATCH_FIELDS = Set.of("emails");
    private static final String BATCH_EMAILS = "emails";
    private static final JsonFactory TOKENS = new JsonFactory();
    private static final JsonNodeTreeCodec TREES = JsonNodeTreeCodec.getInstance();
    /**
     * Deepest {@code data} accepted. The parser allows 1000 levels, but intake messages, the
     * ClickHouse payload and the worker wrap data in more levels, and must never fail to encode or
     * decode an email that was accepted.
     */
    public static final int MAX_DATA_DEPTH = 64;

    /**
     * One pass over the body: the tree, then a check that nothing follows it (such as a second
     * request glued on), which a mapper reading "the first value" would ignore.
     *
     * @throws ProblemException malformed JSON, truncated body or not an object; no body at all included
     */
    public JsonNode parse(@Nullable byte[] body) {
        JsonNode root = null;
        if (body != null && body.length > 0) {
            try (JsonParser tokens = TOKENS.createParser(body)) {
                root = TREES.readTree(tokens);
                if (tokens.nextToken() != null) {
                    throw new JsonParseException(tokens, "content after the JSON value");
                }
            } catch (IOException e) {
                throw new ProblemException(ProblemType.MALFORMED_JSON, malformed(e));
            }
        }
        if (root == null || !root.isObject()) {
            throw new ProblemException(ProblemType.MALFORMED_JSON, "The body must be a JSON object");
        }
        return root;
    }

    /**
     * Where the JSON broke or which parser limit it exceeded, never the offending text: that may hold
     * anything, and Jackson's messages quote it. Micronaut wraps syntax errors but not limit errors.
     */
    private static String malformed(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof StreamConstraintsException limit) {
                return "The body exceeds a JSON limit: " + limit.getOriginalMessage();
            }
            if (cause instanceof JsonProcessingException json && json.getLocation() != null) {
                JsonLocation at = json.getLocation();
                return "The body is not valid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr();
            }
        }
        return "The body is not valid JSON";
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
                body(node, path, "html", errors),
                body(node, path, "text", errors),
                template(node, path, errors),
                data(node, path, errors),
                headers(node, path, errors),
                tags(node, path, errors),
                string(node, path, "batch_id", false, errors),
                string(node, path, "idempotency_key", false, errors),
                string(node, path, "send_at", false, errors),
                string(node, path, "topic", false, errors),
                TrackingField.read(field(node, "tracking"), FieldPaths.join(path, "tracking"), errors));
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
        String text = anyString(node, path, name, required, errors);
        return text == null ? null : unicode(text, FieldPaths.join(path, name), errors);
    }

    /**
     * An html or text body, its Unicode not checked here: the validator does that while it measures
     * the body, so that the largest fields are scanned once.
     */
    private static String body(JsonNode node, String path, String name, List<FieldError> errors) {
        return anyString(node, path, name, false, errors);
    }

    private static String anyString(JsonNode node, String path, String name, boolean required, List<FieldError> errors) {
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

    /** The text when it is well-formed Unicode ({@link Tokens#UNPAIRED_SURROGATE}). */
    private static String unicode(String text, String field, List<FieldError> errors) {
        if (Tokens.isWellFormedUnicode(text)) {
            return text;
        }
        errors.add(new FieldError(field, Tokens.UNPAIRED_SURROGATE));
        return null;
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
            String email = unicode(value.getStringValue(), field, errors);
            return email == null ? null : new Address(email, null);
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
        } catch (ArithmeticException | NumberFormatException e) { // NumberFormatException: beyond a double, e.g. 1e999
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(JsonNode node, String path, List<FieldError> errors) {
        JsonNode value = field(node, "data");
        if (value == null) {
            return null;
        }
        String field = FieldPaths.join(path, "data");
        if (!value.isObject()) {
            errors.add(new FieldError(field, "must be an object"));
            return null;
        }
        int before = errors.size();
        checkDataValue(value, field, 1, errors);
        return errors.size() == before ? (Map<String, Object>) JsonTrees.toJava(value) : null;
    }

    /** Reports what JSON allows but an accepted email cannot carry intact: deep nesting, numbers beyond a double. */
    private static void checkDataValue(JsonNode value, String field, int depth, List<FieldError> errors) {
        if (depth > MAX_DATA_DEPTH) {
            errors.add(new FieldError(field, "data may be nested at most " + MAX_DATA_DEPTH + " levels deep"));
        } else if (value.isObject()) {
            for (Map.Entry<String, JsonNode> entry : value.entries()) {
                String member = FieldPaths.join(field, entry.getKey());
                if (unicode(entry.getKey(), member, errors) != null) {
                    checkDataValue(entry.getValue(), member, depth + 1, errors);
                }
            }
        } else if (value.isArray()) {
            int index = 0;
            for (JsonNode element : value.values()) {
                checkDataValue(element, FieldPaths.index(field, index++), depth + 1, errors);
            }
        } else if (value.isNumber() && value.getNumberValue() instanceof Double d && d.isInfinite()) {
            errors.add(new FieldError(field, "number out of range"));
        } else if (value.isString()) {
            unicode(value.getStringValue(), field, errors);
        }
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
            String header = FieldPaths.join(field, entry.getKey());
            if (entry.getValue().isString()) {
                // The name needs no check here: the validator accepts visible ASCII names only.
                String text = unicode(entry.getValue().getStringValue(), header, errors);
                if (text != null) {
                    headers.put(entry.getKey(), text);
                }
            } else {
                errors.add(new FieldError(header, "must be a string"));
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
            if (!tag.isString()) {
                errors.add(new FieldError(FieldPaths.index(field, index), "must be a string"));
            } else if (unicode(tag.getStringValue(), FieldPaths.index(field, index), errors) != null) {
                tags.add(tag.getStringValue());
            }
            index++;
        }
        return tags;
    }
}
