package dev.postdate.clickhouse.audiences;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.clickhouse.audiences.Rule.Op;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Compiles a rule to a ClickHouse condition over a {@code contacts} row (V017). Every value from the
 * rule reaches SQL through {@link SqlLiteral} or as a number Java printed; names of attributes are
 * literals too (array lookups), never identifiers. An absent attribute fails every comparison, so
 * {@code ne} and {@code not_in} (the negations of {@code eq} and {@code in}) hold for it.
 */
public final class RuleSql {

    private static final List<String> ATTRIBUTE_ARRAYS = List.of("str", "num", "bool", "time", "list");

    private final ClickHouseSql sql;

    public RuleSql(ClickHouseSql sql) {
        this.sql = sql;
    }

    /** The condition, with {@code within_last} measured back from {@code now}. */
    public String where(String tenant, Rule rule, Instant now) {
        return switch (rule) {
            case Rule.All all -> join(all.rules(), " AND ", tenant, now);
            case Rule.Any any -> join(any.rules(), " OR ", tenant, now);
            case Rule.Not not -> "NOT (" + where(tenant, not.rule(), now) + ")";
            case Rule.Condition condition -> condition(tenant, condition, now);
        };
    }

    private String join(List<Rule> rules, String operator, String tenant, Instant now) {
        return rules.stream().map(r -> "(" + where(tenant, r, now) + ")").collect(Collectors.joining(operator, "(", ")"));
    }

    private String condition(String tenant, Rule.Condition c, Instant now) {
        return switch (c.target().kind()) {
            case CONSENT -> "has(consented, " + SqlLiteral.string(((Rule.Text) c.value()).value()) + ")";
            case FIELD -> field(tenant, c.target().name(), c.op(), c.value(), now);
            case ATTRIBUTE -> attribute(SqlLiteral.string(c.target().name()), c.op(), c.value(), now);
        };
    }

    private String field(String tenant, String name, Op op, Rule.Operand value, Instant now) {
        return switch (name) {
            case "created_at" -> "contact_id IN (SELECT contact_id FROM " + sql.table("contacts_created")
                    + " WHERE tenant = " + SqlLiteral.string(tenant) + " GROUP BY contact_id HAVING "
                    + time("min(created_ms)", op, value, now) + ")";
            case "updated_at" -> time("updated_ms", op, value, now);
            default -> op == Op.EXISTS ? (((Rule.Flag) value).value() ? "" : "NOT ") + "(" + name + " != '')"
                    : text(name, op, value);
        };
    }

    private String attribute(String key, Op op, Rule.Operand value, Instant now) {
        return switch (op) {
            case EXISTS -> (((Rule.Flag) value).value() ? "" : "NOT ") + "(" + String.join(" OR ",
                    ATTRIBUTE_ARRAYS.stream().map(a -> "has(" + a + "_keys, " + key + ")").toList()) + ")";
            case BEFORE, AFTER, WITHIN_LAST -> present("time", key) + " AND " + time(value("time", key), op, value, now);
            case CONTAINS -> "(" + present("str", key) + " AND " + text(value("str", key), op, value) + ") OR ("
                    + present("list", key) + " AND has(" + value("list", key) + ", " + literal(value) + "))";
            default -> switch (value) {
                case Rule.Number n -> compared("num", key, op, value);
                case Rule.Numbers n -> compared("num", key, op, value);
                case Rule.Flag f -> compared("bool", key, op, value);
                default -> compared("str", key, op, value);
            };
        };
    }

    /** eq, ne, lt, lte, gt, gte, in, not_in and starts_with on one typed array pair. */
    private static String compared(String array, String key, Op op, Rule.Operand value) {
        String compared = present(array, key) + " AND " + (array.equals("str") ? text(value(array, key), positive(op), value)
                : value(array, key) + operator(positive(op)) + literal(value));
        return op == Op.NE || op == Op.NOT_IN ? "NOT (" + compared + ")" : compared;
    }

    private static String text(String column, Op op, Rule.Operand value) {
        String literal = literal(value);
        return switch (op) {
            case EQ -> column + " = " + literal;
            case NE -> column + " != " + literal;
            case IN -> column + " IN " + literal;
            case NOT_IN -> column + " NOT IN " + literal;
            case CONTAINS -> "position(" + column + ", " + literal + ") > 0";
            // substring and length count bytes, so this is a byte prefix; 18.16 has no startsWith.
            case STARTS_WITH -> "substring(" + column + ", 1, length(" + literal + ")) = " + literal;
            default -> throw new IllegalStateException(op + " on text");
        };
    }

    private static String time(String millis, Op op, Rule.Operand value, Instant now) {
        return switch (op) {
            case BEFORE -> millis + " < " + ((Rule.Time) value).value().toEpochMilli();
            case AFTER -> millis + " > " + ((Rule.Time) value).value().toEpochMilli();
            case WITHIN_LAST -> millis + " >= " + now.minus(((Rule.Span) value).value()).toEpochMilli()
                    + " AND " + millis + " <= " + now.toEpochMilli();
            default -> throw new IllegalStateException(op + " on a time");
        };
    }

    private static Op positive(Op op) {
        return op == Op.NE ? Op.EQ : op == Op.NOT_IN ? Op.IN : op;
    }

    private static String operator(Op op) {
        return switch (op) {
            case EQ -> " = ";
            case LT -> " < ";
            case LTE -> " <= ";
            case GT -> " > ";
            case GTE -> " >= ";
            case IN -> " IN ";
            default -> throw new IllegalStateException(op + " on a number");
        };
    }

    private static String present(String array, String key) {
        return "has(" + array + "_keys, " + key + ")";
    }

    private static String value(String array, String key) {
        return array + "_values[indexOf(" + array + "_keys, " + key + ")]";
    }

    private static String literal(Rule.Operand value) {
        return switch (value) {
            case Rule.Text t -> SqlLiteral.string(t.value());
            case Rule.Number n -> number(n.value());
            case Rule.Flag f -> f.value() ? "1" : "0";
            case Rule.Texts t -> t.values().stream().map(SqlLiteral::string).collect(Collectors.joining(", ", "(", ")"));
            case Rule.Numbers n -> n.values().stream().map(RuleSql::number).collect(Collectors.joining(", ", "(", ")"));
            default -> throw new IllegalStateException(value + " is not compared as a literal");
        };
    }

    /** Always a Float64 literal (1.0, not 1: an IN list then has one type); finite by the parser. */
    private static String number(double value) {
        return Double.toString(value);
    }
}
