package dev.postdate.deploy.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks IAM policy documents: well-formed (Version, statements with Effect, Action and, as the
 * kind of policy requires, Resource and Principal), no wildcard action, resource or principal, and
 * no "Not" elements, which grant everything they do not name. No call Postdate makes needs a
 * wildcard resource: SQS authorizes every action it uses per queue ARN, SES SendEmail per identity
 * and configuration-set ARN.
 */
final class PolicyDocuments {

    /** Identity policies name resources, resource policies principals and resources, trust policies principals. */
    enum Kind { IDENTITY, RESOURCE, TRUST }

    private static final Set<String> DOCUMENT_KEYS = Set.of("Version", "Id", "Statement");
    private static final Set<String> STATEMENT_KEYS = Set.of("Sid", "Effect", "Principal", "NotPrincipal",
            "Action", "NotAction", "Resource", "NotResource", "Condition");
    private static final Pattern ACTION = Pattern.compile("[a-z0-9-]+:[A-Za-z0-9]+");
    /** SQS's batch calls are authorized by their single-message actions; IAM accepts these names and grants nothing. */
    private static final Map<String, String> NOT_IAM_ACTIONS = Map.of(
            "sqs:SendMessageBatch", "sqs:SendMessage",
            "sqs:DeleteMessageBatch", "sqs:DeleteMessage",
            "sqs:ChangeMessageVisibilityBatch", "sqs:ChangeMessageVisibility");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private PolicyDocuments() {
    }

    static void check(String path, JsonNode document, Kind kind, List<String> problems) {
        if (Intrinsics.is(document, "Fn::Sub")) {
            JsonNode argument = document.get("Fn::Sub");
            String text = argument.isArray() ? argument.path(0).asText() : argument.asText();
            parsed(path, placeholders(text), kind, problems, "Fn::Sub");
        } else if (Intrinsics.is(document, "Fn::If")) {
            for (JsonNode branch : Intrinsics.branches(document)) {
                check(path, branch, kind, problems);
            }
        } else if (document.isTextual()) {
            parsed(path, document.asText(), kind, problems, "the string");
        } else if (document.isObject()) {
            checkDocument(path, document, kind, problems);
        } else {
            problems.add(path + ": a policy document is a map or a JSON string");
        }
    }

    /** Fn::Sub variables become literal stand-ins, so that the rest of the text is checked as written. */
    static String placeholders(String text) {
        return SUB_VARIABLE.matcher(text).replaceAll(match -> Matcher.quoteReplacement("{{" + match.group(1) + "}}"));
    }

    private static void parsed(String path, String json, Kind kind, List<String> problems, String source) {
        try {
            checkDocument(path, Templates.JSON.readTree(json), kind, problems);
        } catch (JsonProcessingException e) {
            problems.add(path + ": " + source + " is not a JSON policy document: " + e.getOriginalMessage());
        }
    }

    private static void checkDocument(String path, JsonNode document, Kind kind, List<String> problems) {
        document.fieldNames().forEachRemaining(key -> {
            if (!DOCUMENT_KEYS.contains(key)) {
                problems.add(path + ": unknown policy element " + key);
            }
        });
        if (!"2012-10-17".equals(document.path("Version").asText(null))) {
            problems.add(path + ": Version must be \"2012-10-17\" (older versions do not expand policy variables)");
        }
        JsonNode statements = document.path("Statement");
        List<JsonNode> list = new ArrayList<>();
        if (statements.isArray()) {
            statements.forEach(list::add);
        } else if (statements.isObject()) {
            list.add(statements);
        }
        if (list.isEmpty()) {
            problems.add(path + ": a policy needs at least one Statement");
        }
        for (int i = 0; i < list.size(); i++) {
            String at = path + ".Statement[" + i + "]";
            JsonNode statement = list.get(i);
            if (Intrinsics.is(statement, "Fn::If")) {
                for (JsonNode branch : Intrinsics.branches(statement)) {
                    statement(at, branch, kind, problems);
                }
            } else {
                statement(at, statement, kind, problems);
            }
        }
    }

    private static void statement(String path, JsonNode statement, Kind kind, List<String> problems) {
        if (!statement.isObject()) {
            problems.add(path + ": a statement is a map");
            return;
        }
        statement.fieldNames().forEachRemaining(key -> {
            if (!STATEMENT_KEYS.contains(key)) {
                problems.add(path + ": unknown statement element " + key);
            } else if (key.startsWith("Not")) {
                problems.add(path + ": " + key + " covers everything it does not name; name what is meant instead");
            }
        });
        String effect = statement.path("Effect").asText(null);
        if (!"Allow".equals(effect) && !"Deny".equals(effect)) {
            problems.add(path + ": Effect must be Allow or Deny, not " + effect);
        }
        actions(path, statement.get("Action"), kind, problems);
        JsonNode principal = statement.get("Principal");
        if (kind == Kind.IDENTITY && principal != null) {
            problems.add(path + ": an identity policy names no Principal");
        }
        if (kind != Kind.IDENTITY) {
            if (principal == null) {
                problems.add(path + ": a " + kind.name().toLowerCase() + " policy statement needs a Principal");
            } else if (principal.toString().contains("\"*\"")) {
                problems.add(path + ": wildcard principal");
            }
        }
        JsonNode resource = statement.get("Resource");
        if (kind == Kind.TRUST) {
            if (resource != null) {
                problems.add(path + ": a trust policy names no Resource");
            }
        } else if (resource == null) {
            problems.add(path + ": statement has no Resource");
        } else {
            for (JsonNode value : values(resource)) {
                String literal = value.isTextual() ? value.asText()
                        : Intrinsics.is(value, "Fn::Sub") ? value.toString() : null;
                if (literal != null && literal.contains("*")) {
                    problems.add(path + ": wildcard resource " + literal + " (no Postdate call needs one)");
                }
            }
        }
    }

    private static void actions(String path, JsonNode action, Kind kind, List<String> problems) {
        if (action == null) {
            problems.add(path + ": statement has no Action");
            return;
        }
        for (JsonNode value : values(action)) {
            if (!value.isTextual()) {
                problems.add(path + ": an action must be a literal name, not " + value);
                continue;
            }
            String name = value.asText();
            if (name.contains("*")) {
                problems.add(path + ": wildcard action " + name);
            } else if (!ACTION.matcher(name).matches()) {
                problems.add(path + ": not an IAM action name: " + name);
            } else if (NOT_IAM_ACTIONS.containsKey(name)) {
                problems.add(path + ": " + name + " is no IAM action; SQS authorizes it as " + NOT_IAM_ACTIONS.get(name));
            } else if (kind == Kind.TRUST && !name.startsWith("sts:AssumeRole")) {
                problems.add(path + ": a trust policy allows sts:AssumeRole*, not " + name);
            }
        }
    }

    private static List<JsonNode> values(JsonNode node) {
        List<JsonNode> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(values::add);
        } else {
            values.add(node);
        }
        return values;
    }
}
