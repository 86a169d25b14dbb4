package dev.postdate.clickhouse.audiences;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.clickhouse.audiences.Rule.Op;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Compiles a rule to a ClickHouse condition over a {@code contacts} row (V017). Every string from the
 * rule, attribute names included (array lookups, never identifiers), goes into the {@link Sql} as a
 * value, never as text: a query parameter where the server takes them, an escaped literal elsewhere.
 * Numbers and times are printed by Java. An absent attribute fails every comparison, so {@code ne} and
 * {@code not_in} (the negations of {@code eq} and {@code in}) hold for it.
 */
public final class RuleSql {

    private static final List<String> ATTRIBUTE_ARRAYS = List.of("str", "num", "bool", "time", "list");

    private final ClickHouseSql sql;

    public RuleSql(ClickHouseSql sql) {
        this.sql = sql;
    }

    /** The condition, with {@code within_last} measured back from {@code now}. */
    public Sql where(String tenant, Rule rule, Instant now) {
        return switch (rule) {
            case Rule.All all -> join(all.rules(), " AND ", tenant, now);
            case Rule.Any any -> join(any.rules(), " OR ", tenant, now);
            case Rule.Not not -> Sql.of("NOT (").sql(where(tenant, not.rule(), now)).sql(")");
            case Rule.Condition condition -> condition(tenant, condition, now);
        };
    }

    private Sql join(List<Rule> rules, String operator, String tenant, Instant now) {
        return Sql.join(rules.stream().map(r -> Sql.of("(").sql(where(tenant, r, now)).sql(")")).toList(), operator, "(", ")");
    }

    private Sql condition(String tenant, Rule.Condition c, Instant now) {
        return switch (c.target().kind()) {
            case CONSENT -> Sql.of("has(consented, ").value(((Rule.Text) c.value()).value()).sql(")");
            case FIELD -> field(tenant, c.target().name(), c.op(), c.value(), now);
            case ATTRIBUTE -> attribute(c.target().name(), c.op(), c.value(), now);
        };
    }

    private Sql field(String tenant, String name, Op op, Rule.Operand value, Instant now) {
        return switch (name) {
            case "created_at" -> Sql.of("contact_id IN (SELECT contact_id FROM " + sql.table("contacts_created")
                    + " WHERE tenant = ").value(tenant).sql(" GROUP BY contact_id HAVING ")
                    .sql(time(Sql.of("min(created_ms)"), op, value, now)).sql(")");
            case "updated_at" -> time(Sql.of("updated_ms"), op, value, now);
            default -> op == Op.EXISTS ? Sql.of((((Rule.Flag) value).value() ? "" : "NOT ") + "(" + name + " != '')")
                    : text(Sql.of(name), op, value);
        };
    }

    private Sql attribute(String key, Op op, Rule.Operand value, Instant now) {
        return switch (op) {
            case EXISTS -> Sql.join(ATTRIBUTE_ARRAYS.stream().map(a -> present(a, key)).toList(), " OR ",
                    (((Rule.Flag) value).value() ? "" : "NOT ") + "(", ")");
            case BEFORE, AFTER, WITHIN_LAST -> present("time", key).sql(" AND ").sql(time(value("time", key), op, value, now));
            case CONTAINS -> Sql.of("(").sql(present("str", key)).sql(" AND ").sql(text(value("str", key), op, value))
                    .sql(") OR (").sql(present("list", key)).sql(" AND has(").sql(value("list", key)).sql(", ")
                    .sql(literal(value)).sql("))");
            default -> switch (value) {
                case Rule.Number n -> compared("num", key, op, value);
                case Rule.Numbers n -> compared("num", key, op, value);
                case Rule.Flag f -> compared("bool", key, op, value);
                default -> compared("str", key, op, value);
            };
        };
    }

    /** eq, ne, lt, lte, gt, gte, in, not_in and starts_with on one typed array pair. */
    private static Sql compared(String array, String key, Op op, Rule.Operand value) {
        Sql compared = present(array, key).sql(" AND ").sql(array.equals("str") ? text(value(array, key), positive(op), value)
                : value(array, key).sql(operator(positive(op))).sql(literal(value)));
        return op == Op.NE || op == Op.NOT_IN ? Sql.of("NOT (").sql(compared).sql(")") : compared;
    }

    private static Sql text(Sql column, Op op, Rule.Operand value) {
        Sql literal = literal(value);
        return switch (op) {
            case EQ -> column.sql(" = ").sql(literal);
            case NE -> column.sql(" != ").sql(literal);
            case IN -> column.sql(" IN ").sql(literal);
            case NOT_IN -> column.sql(" NOT IN ").sql(literal);
            case CONTAINS -> Sql.of("position(").sql(column).sql(", ").sql(literal).sql(") > 0");
            // substring and length count bytes, so this is a byte prefix; 18.16 has no startsWith.
            case STARTS_WITH -> Sql.of("substring(").sql(column).sql(", 1, length(").sql(literal).sql(")) = ").sql(literal);
            default -> throw new IllegalStateException(op + " on text");
        };
    }

    private static Sql time(Sql millis, Op op, Rule.Operand value, Instant now) {
        return switch (op) {
            case BEFORE -> millis.sql(" < " + ((Rule.Time) value).value().toEpochMilli());
            case AFTER -> millis.sql(" > " + ((Rule.Time) value).value().toEpochMilli());
            case WITHIN_LAST -> millis.sql(" >= " + now.minus(((Rule.Span) value).value()).toEpochMilli() + " AND ")
                    .sql(millis).sql(" <= " + now.toEpochMilli());
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

    private static Sql present(String array, String key) {
        return Sql.of("has(" + array + "_keys, ").value(key).sql(")");
    }

    private static Sql value(String array, String key) {
        return Sql.of(array + "_values[indexOf(" + array + "_keys, ").value(key).sql(")]");
    }

    private static Sql literal(Rule.Operand value) {
        return switch (value) {
            case Rule.Text t -> Sql.valueOf(t.value());
            case Rule.Number n -> Sql.of(number(n.value()));
            case Rule.Flag f -> Sql.of(f.value() ? "1" : "0");
            case Rule.Texts t -> Sql.valuesOf(t.values());
            case Rule.Numbers n -> Sql.of(n.values().stream().map(RuleSql::number).collect(Collectors.joining(", ", "(", ")")));
            default -> throw new IllegalStateException(value + " is not compared as a literal");
        };
    }

    /** Always a Float64 literal (1.0, not 1: an IN list then has one type); finite by the parser. */
    private static String number(double value) {
        return Double.toString(value);
    }
}
