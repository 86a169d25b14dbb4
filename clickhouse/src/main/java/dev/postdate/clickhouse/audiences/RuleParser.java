package dev.postdate.clickhouse.audiences;

import dev.postdate.clickhouse.audiences.Rule.Op;
import dev.postdate.clickhouse.audiences.Rule.Target;
import dev.postdate.clickhouse.contacts.AttributeValue;
import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.core.time.Rfc3339;
import io.micronaut.json.tree.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an audience rule from its JSON (docs/audiences.md) and checks it whole: every problem is
 * reported with its JSON path ({@code rule.all[2].value}), and a rule comes back only without any.
 */
public final class RuleParser {

    /** A problem at a JSON path. */
    public record Problem(String path, String message) {
    }

    static final int MAX_DEPTH = 20;
    static final int MAX_CONDITIONS = 200;
    static final int MAX_LIST = 1_000;

    private static final Set<String> CONDITION_FIELDS = Set.of("field", "attr", "op", "value");
    private static final Pattern SPAN = Pattern.compile("([1-9][0-9]{0,5})([mhdw])");
    private static final Set<Op> TEXT_OPS = EnumSet.of(Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.CONTAINS, Op.STARTS_WITH);
    private static final Set<Op> OPTIONAL_TEXT_OPS = EnumSet.of(Op.EQ, Op.NE, Op.IN, Op.NOT_IN, Op.CONTAINS,
            Op.STARTS_WITH, Op.EXISTS);
    private static final Set<Op> TIME_OPS = EnumSet.of(Op.BEFORE, Op.AFTER, Op.WITHIN_LAST);
    /** The built-in fields and what can be asked of each. */
    public static final Map<String, Set<Op>> FIELDS = Map.of(
            "email", TEXT_OPS,
            "name", OPTIONAL_TEXT_OPS,
            "timezone", OPTIONAL_TEXT_OPS,
            "locale", OPTIONAL_TEXT_OPS,
            "status", EnumSet.of(Op.EQ, Op.NE, Op.IN, Op.NOT_IN),
            "created_at", TIME_OPS,
            "updated_at", TIME_OPS);

    private final List<Problem> problems = new ArrayList<>();
    private int conditions;

    private RuleParser() {
    }

    /** The rule at {@code path}; null when there are problems, which are added to {@code found}. */
    public static Rule parse(JsonNode node, String path, List<Problem> found) {
        RuleParser parser = new RuleParser();
        Rule rule = parser.rule(node, path, 1);
        if (parser.conditions > MAX_CONDITIONS) {
            parser.problems.add(new Problem(path, "more than " + MAX_CONDITIONS + " conditions"));
        }
        found.addAll(parser.problems);
        return parser.problems.isEmpty() ? rule : null;
    }

    private Rule rule(JsonNode node, String path, int depth) {
        if (node == null || !node.isObject()) {
            return problem(path, "a rule is an object: {\"all\": [...]}, {\"any\": [...]}, {\"not\": {...}} or a condition");
        }
        if (depth > MAX_DEPTH) {
            return problem(path, "nested deeper than " + MAX_DEPTH);
        }
        for (String group : List.of("all", "any", "not")) {
            if (node.get(group) != null) {
                if (node.size() != 1) {
                    return problem(path, "\"" + group + "\" stands alone in its object");
                }
                String at = path + "." + group;
                return group.equals("not") ? not(node.get(group), at, depth) : group(group, node.get(group), at, depth);
            }
        }
        return condition(node, path);
    }

    private Rule not(JsonNode inner, String path, int depth) {
        Rule rule = rule(inner, path, depth + 1);
        return rule == null ? null : new Rule.Not(rule);
    }

    private Rule group(String group, JsonNode members, String path, int depth) {
        if (!members.isArray() || members.size() == 0) {
            return problem(path, "a non-empty array of rules");
        }
        List<Rule> rules = new ArrayList<>();
        int index = 0;
        for (JsonNode member : members.values()) {
            rules.add(rule(member, path + "[" + index++ + "]", depth + 1));
        }
        if (rules.contains(null)) {
            return null;
        }
        return group.equals("all") ? new Rule.All(List.copyOf(rules)) : new Rule.Any(List.copyOf(rules));
    }

    private Rule condition(JsonNode node, String path) {
        conditions++;
        int before = problems.size();
        for (Map.Entry<String, JsonNode> member : node.entries()) {
            if (!CONDITION_FIELDS.contains(member.getKey())) {
                problem(path + "." + member.getKey(), "unknown member of a condition (field, attr, op, value)");
            }
        }
        Op op = op(node.get("op"), path + ".op");
        Target target = target(node, path, op);
        JsonNode value = node.get("value");
        String valuePath = path + ".value";
        if (value == null || value.isNull()) {
            problem(valuePath, "required");
        }
        if (problems.size() != before) {
            return null;
        }
        Rule.Operand operand = switch (target.kind()) {
            case CONSENT -> topic(value, valuePath);
            case FIELD -> fieldOperand(target.name(), op, value, path);
            case ATTRIBUTE -> attributeOperand(op, value, valuePath);
        };
        return operand == null ? null : new Rule.Condition(target, op, operand);
    }

    private Op op(JsonNode node, String path) {
        if (node == null || !node.isString()) {
            problem(path, "required: one of " + opNames());
            return null;
        }
        try {
            return Op.valueOf(node.getStringValue().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problem(path, "one of " + opNames());
            return null;
        }
    }

    private Target target(JsonNode node, String path, Op op) {
        JsonNode field = node.get("field");
        JsonNode attr = node.get("attr");
        if (op == Op.HAS_CONSENT) {
            if (field != null || attr != null) {
                problem(path, "has_consent takes no field or attr: {\"op\": \"has_consent\", \"value\": \"newsletter\"}");
            }
            return new Target(Target.Kind.CONSENT, "");
        }
        if ((field == null) == (attr == null)) {
            problem(path, "exactly one of field (a built-in: " + String.join(", ", FIELDS.keySet().stream().sorted().toList())
                    + ") or attr (a custom attribute)");
            return null;
        }
        if (field != null) {
            if (!field.isString() || !FIELDS.containsKey(field.getStringValue())) {
                problem(path + ".field", "one of " + String.join(", ", FIELDS.keySet().stream().sorted().toList()));
                return null;
            }
            String name = field.getStringValue();
            if (op != null && !FIELDS.get(name).contains(op)) {
                problem(path + ".op", name + " takes " + String.join(", ", FIELDS.get(name).stream()
                        .map(o -> o.name().toLowerCase(Locale.ROOT)).sorted().toList()));
                return null;
            }
            return new Target(Target.Kind.FIELD, name);
        }
        if (!attr.isString() || !AttributeValue.NAME.matcher(attr.getStringValue()).matches()) {
            problem(path + ".attr", "an attribute name: 1 to 64 of A-Z a-z 0-9 _, not starting with a digit");
            return null;
        }
        return new Target(Target.Kind.ATTRIBUTE, attr.getStringValue());
    }

    private Rule.Operand topic(JsonNode value, String path) {
        if (!value.isString() || !Consent.TOPIC.matcher(value.getStringValue()).matches()) {
            return problem(path, "a consent topic: 1 to 64 of a-z 0-9 _ -");
        }
        return new Rule.Text(value.getStringValue());
    }

    private Rule.Operand fieldOperand(String field, Op op, JsonNode value, String path) {
        String valuePath = path + ".value";
        if (TIME_OPS.contains(op)) {
            return timeOperand(op, value, valuePath);
        }
        if (op == Op.EXISTS) {
            return flag(value, valuePath);
        }
        Rule.Operand operand = op == Op.IN || op == Op.NOT_IN ? texts(value, valuePath) : text(value, valuePath);
        if (field.equals("status") && operand != null) {
            List<String> statuses = operand instanceof Rule.Texts texts ? texts.values() : List.of(((Rule.Text) operand).value());
            if (statuses.stream().anyMatch(s -> ContactStatus.of(s).isEmpty())) {
                return problem(valuePath, "statuses are active, unsubscribed, bounced and complained");
            }
        }
        return operand;
    }

    private Rule.Operand attributeOperand(Op op, JsonNode value, String path) {
        return switch (op) {
            case EQ, NE -> value.isNumber() ? number(value, path) : value.isBoolean() ? flag(value, path) : text(value, path);
            case LT, LTE, GT, GTE -> number(value, path);
            case IN, NOT_IN -> value.isArray() && value.size() > 0 && value.get(0).isNumber() ? numbers(value, path)
                    : texts(value, path);
            case CONTAINS, STARTS_WITH -> text(value, path);
            case EXISTS -> flag(value, path);
            case BEFORE, AFTER, WITHIN_LAST -> timeOperand(op, value, path);
            case HAS_CONSENT -> throw new IllegalStateException("has_consent has no attribute");
        };
    }

    private Rule.Operand timeOperand(Op op, JsonNode value, String path) {
        if (op == Op.WITHIN_LAST) {
            Matcher span = value.isString() ? SPAN.matcher(value.getStringValue()) : null;
            if (span == null || !span.matches()) {
                return problem(path, "a span such as 30d, 12h, 90m or 2w");
            }
            long amount = Long.parseLong(span.group(1));
            return new Rule.Span(switch (span.group(2)) {
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> Duration.ofDays(7 * amount);
            });
        }
        Instant at = value.isString() ? Rfc3339.instant(value.getStringValue()) : null;
        if (at == null) {
            return problem(path, "an RFC 3339 timestamp such as 2026-11-30T10:00:00Z");
        }
        return new Rule.Time(at.truncatedTo(ChronoUnit.MILLIS));
    }

    private Rule.Operand text(JsonNode value, String path) {
        if (!value.isString() || value.getStringValue().isEmpty()) {
            return problem(path, "a non-empty string");
        }
        return new Rule.Text(value.getStringValue());
    }

    private Rule.Operand number(JsonNode value, String path) {
        if (!value.isNumber() || !Double.isFinite(value.getDoubleValue())) {
            return problem(path, "a number");
        }
        return new Rule.Number(value.getDoubleValue());
    }

    private Rule.Operand flag(JsonNode value, String path) {
        if (!value.isBoolean()) {
            return problem(path, "true or false");
        }
        return new Rule.Flag(value.getBooleanValue());
    }

    private Rule.Operand texts(JsonNode value, String path) {
        if (!listOk(value, path)) {
            return null;
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode item : value.values()) {
            if (!item.isString() || item.getStringValue().isEmpty()) {
                return problem(path, "a list of non-empty strings (or of numbers, for an attribute)");
            }
            texts.add(item.getStringValue());
        }
        return new Rule.Texts(List.copyOf(texts));
    }

    private Rule.Operand numbers(JsonNode value, String path) {
        if (!listOk(value, path)) {
            return null;
        }
        List<Double> numbers = new ArrayList<>();
        for (JsonNode item : value.values()) {
            if (!item.isNumber() || !Double.isFinite(item.getDoubleValue())) {
                return problem(path, "a list of numbers (or of strings)");
            }
            numbers.add(item.getDoubleValue());
        }
        return new Rule.Numbers(List.copyOf(numbers));
    }

    private boolean listOk(JsonNode value, String path) {
        if (!value.isArray() || value.size() == 0 || value.size() > MAX_LIST) {
            problem(path, "a list of 1 to " + MAX_LIST + " values");
            return false;
        }
        return true;
    }

    private static String opNames() {
        return String.join(", ", java.util.Arrays.stream(Op.values()).map(o -> o.name().toLowerCase(Locale.ROOT)).toList());
    }

    private <T> T problem(String path, String message) {
        problems.add(new Problem(path, message));
        return null;
    }
}
