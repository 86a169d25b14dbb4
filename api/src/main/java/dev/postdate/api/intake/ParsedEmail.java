package dev.postdate.api.intake;

import io.micronaut.json.tree.JsonNode;

/**
 * An email whose JSON has the right shape.
 *
 * @param path    where it sits in the request body ("" for a single email, "emails[3]" in a batch),
 *                prefix of the field names in problems
 * @param request its typed fields
 * @param json    the object as sent, for size limits and the idempotency fingerprint
 */
public record ParsedEmail(String path, EmailRequest request, JsonNode json) {

    /** The problem field name of one of its fields. */
    public String field(String name) {
        return FieldPaths.join(path, name);
    }
}
