package dev.postdate.api.intake;

import dev.postdate.api.problem.FieldError;
import dev.postdate.core.email.Tracking;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;

import java.util.List;
import java.util.Map;

/** Reads an email's or a campaign's {@code tracking}: {"opens", "clicks", "anonymous", "unsubscribe"}, each true or false. */
public final class TrackingField {

    private static final List<String> SWITCHES = List.of("opens", "clicks", "anonymous", "unsubscribe");

    private TrackingField() {
    }

    /** Null when absent or JSON null, or when wrong (then with errors naming {@code field}). */
    public static @Nullable Tracking read(@Nullable JsonNode node, String field, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(field, "must be an object of opens, clicks, anonymous, unsubscribe: true or false"));
            return null;
        }
        int before = errors.size();
        for (Map.Entry<String, JsonNode> entry : node.entries()) {
            if (!SWITCHES.contains(entry.getKey())) {
                errors.add(new FieldError(FieldPaths.join(field, entry.getKey()),
                        "unknown field (opens, clicks, anonymous, unsubscribe)"));
            } else if (!entry.getValue().isNull() && !entry.getValue().isBoolean()) {
                errors.add(new FieldError(FieldPaths.join(field, entry.getKey()), "must be true or false"));
            }
        }
        if (errors.size() != before) {
            return null;
        }
        return new Tracking(flag(node, "opens"), flag(node, "clicks"), flag(node, "anonymous"), flag(node, "unsubscribe"));
    }

    private static @Nullable Boolean flag(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.getBooleanValue();
    }
}
