package dev.postdate.clickhouse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SQL whose values stay apart from its text until it is sent. Code writes the text ({@link #of},
 * {@link #sql}); a value that comes from outside (a tenant, a rule's string, an address) goes in
 * through {@link #value} or {@link #values}. {@link ClickHouseSql} sends the values as server-side
 * query parameters where the server takes them ({@link #bind}), so that they never become SQL text,
 * and as literals escaped by {@link SqlLiteral} where it does not (18.16, {@link #inline}).
 * Immutable: every method returns a new fragment.
 */
public final class Sql {

    private sealed interface Part permits Text, Value, Values { }

    private record Text(String sql) implements Part { }

    private record Value(String value) implements Part { }

    private record Values(List<String> values) implements Part { }

    /**
     * The text with a {@code {name:Type}} placeholder per value, and the values: a String or a list of
     * them, which the client writes in the form the server reads (escapes, an array's quoted elements).
     */
    public record Bound(String text, Map<String, Object> parameters) { }

    private final List<Part> parts;

    private Sql(List<Part> parts) {
        this.parts = parts;
    }

    /** A fragment of SQL text written by code, never by a user. */
    public static Sql of(String sql) {
        return new Sql(List.of(new Text(sql)));
    }

    /** A String value alone: {@code Sql.of("").value(value)}. */
    public static Sql valueOf(String value) {
        return new Sql(List.of(new Value(value)));
    }

    /** A list of String values alone, for the right of an {@code IN}. */
    public static Sql valuesOf(Collection<String> values) {
        return new Sql(List.of()).values(values);
    }

    /** {@code fragments} joined by {@code separator}, between {@code prefix} and {@code suffix}. */
    public static Sql join(Collection<Sql> fragments, String separator, String prefix, String suffix) {
        Sql joined = of(prefix);
        boolean first = true;
        for (Sql fragment : fragments) {
            joined = (first ? joined : joined.sql(separator)).sql(fragment);
            first = false;
        }
        return joined.sql(suffix);
    }

    /** This followed by SQL text written by code. */
    public Sql sql(String sql) {
        return with(List.of(new Text(sql)));
    }

    /** This followed by another fragment. */
    public Sql sql(Sql fragment) {
        return with(fragment.parts);
    }

    /** This followed by a String value. */
    public Sql value(String value) {
        return with(List.of(new Value(value)));
    }

    /** This followed by a list of String values for the right of an {@code IN}; at least one. */
    public Sql values(Collection<String> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("IN () is no SQL: at least one value");
        }
        return with(List.of(new Values(List.copyOf(values))));
    }

    private Sql with(List<Part> more) {
        List<Part> joined = new ArrayList<>(parts.size() + more.size());
        joined.addAll(parts);
        joined.addAll(more);
        return new Sql(joined);
    }

    /**
     * The statement with its values as literals: what servers without query parameters get, and what
     * any server gets when the values are too long to travel as parameters.
     */
    public String inline() {
        StringBuilder text = new StringBuilder();
        for (Part part : parts) {
            switch (part) {
                case Text t -> text.append(t.sql());
                case Value v -> text.append(SqlLiteral.string(v.value()));
                case Values v -> text.append(SqlLiteral.strings(v.values()));
            }
        }
        return text.toString();
    }

    /** The statement with its values as server-side parameters named {@code p0}, {@code p1}, ... */
    public Bound bind() {
        StringBuilder text = new StringBuilder();
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (Part part : parts) {
            String name = "p" + parameters.size();
            switch (part) {
                case Text t -> text.append(t.sql());
                case Value v -> {
                    text.append('{').append(name).append(":String}");
                    parameters.put(name, v.value());
                }
                case Values v -> {
                    text.append('{').append(name).append(":Array(String)}");
                    parameters.put(name, v.values());
                }
            }
        }
        return new Bound(text.toString(), parameters);
    }

    /** The text with placeholders: the values may be personal data, and whatever prints this may log it. */
    @Override
    public String toString() {
        return bind().text();
    }
}
