package dev.postdate.clickhouse.audiences;

import dev.postdate.clickhouse.audiences.Rule.Op;
import dev.postdate.clickhouse.contacts.AttributeValue;
import dev.postdate.clickhouse.contacts.Contact;

import java.time.Instant;

/** A rule evaluated in memory over one contact: what {@link RuleSql} must agree with. */
final class RuleOracle {

    private RuleOracle() {
    }

    static boolean matches(Rule rule, Contact c, Instant created, Instant updated, Instant now) {
        return switch (rule) {
            case Rule.All all -> all.rules().stream().allMatch(r -> matches(r, c, created, updated, now));
            case Rule.Any any -> any.rules().stream().anyMatch(r -> matches(r, c, created, updated, now));
            case Rule.Not not -> !matches(not.rule(), c, created, updated, now);
            case Rule.Condition condition -> condition(condition, c, created, updated, now);
        };
    }

    private static boolean condition(Rule.Condition k, Contact c, Instant created, Instant updated, Instant now) {
        return switch (k.target().kind()) {
            case CONSENT -> {
                var consent = c.consent().get(((Rule.Text) k.value()).value());
                yield consent != null && consent.granted();
            }
            case FIELD -> switch (k.target().name()) {
                case "created_at" -> time(created, k.op(), k.value(), now);
                case "updated_at" -> time(updated, k.op(), k.value(), now);
                case "email" -> text(c.email(), k.op(), k.value());
                case "name" -> text(orEmpty(c.name()), k.op(), k.value());
                case "timezone" -> text(orEmpty(c.timezone()), k.op(), k.value());
                case "locale" -> text(orEmpty(c.locale()), k.op(), k.value());
                case "status" -> text(c.status().wireName(), k.op(), k.value());
                default -> throw new IllegalStateException(k.target().name());
            };
            case ATTRIBUTE -> attribute(c.attributes().get(k.target().name()), k.op(), k.value(), now);
        };
    }

    private static boolean attribute(AttributeValue a, Op op, Rule.Operand value, Instant now) {
        return switch (op) {
            case EXISTS -> (a != null) == ((Rule.Flag) value).value();
            case BEFORE, AFTER, WITHIN_LAST -> a instanceof AttributeValue.Time t && time(t.value(), op, value, now);
            case CONTAINS -> a instanceof AttributeValue.Text t && t.value().contains(((Rule.Text) value).value())
                    || a instanceof AttributeValue.Texts l && l.values().contains(((Rule.Text) value).value());
            case NE -> !attribute(a, Op.EQ, value, now);
            case NOT_IN -> !attribute(a, Op.IN, value, now);
            default -> switch (value) {
                case Rule.Number n -> a instanceof AttributeValue.Number x && compare(x.value(), op, n.value());
                case Rule.Numbers n -> a instanceof AttributeValue.Number x && n.values().contains(x.value());
                case Rule.Flag f -> a instanceof AttributeValue.Flag x && x.value() == f.value();
                default -> a instanceof AttributeValue.Text t && text(t.value(), op, value);
            };
        };
    }

    private static boolean text(String v, Op op, Rule.Operand value) {
        return switch (op) {
            case EXISTS -> !v.isEmpty() == ((Rule.Flag) value).value();
            case EQ -> v.equals(((Rule.Text) value).value());
            case NE -> !v.equals(((Rule.Text) value).value());
            case IN -> ((Rule.Texts) value).values().contains(v);
            case NOT_IN -> !((Rule.Texts) value).values().contains(v);
            case CONTAINS -> v.contains(((Rule.Text) value).value());
            case STARTS_WITH -> v.startsWith(((Rule.Text) value).value());
            default -> throw new IllegalStateException(op + " on text");
        };
    }

    private static boolean compare(double v, Op op, double x) {
        return switch (op) {
            case EQ -> v == x;
            case LT -> v < x;
            case LTE -> v <= x;
            case GT -> v > x;
            case GTE -> v >= x;
            default -> throw new IllegalStateException(op + " on a number");
        };
    }

    private static boolean time(Instant v, Op op, Rule.Operand value, Instant now) {
        long ms = v.toEpochMilli();
        return switch (op) {
            case BEFORE -> ms < ((Rule.Time) value).value().toEpochMilli();
            case AFTER -> ms > ((Rule.Time) value).value().toEpochMilli();
            case WITHIN_LAST -> ms >= now.minus(((Rule.Span) value).value()).toEpochMilli() && ms <= now.toEpochMilli();
            default -> throw new IllegalStateException(op + " on a time");
        };
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
