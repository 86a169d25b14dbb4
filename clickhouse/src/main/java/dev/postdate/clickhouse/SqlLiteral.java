package dev.postdate.clickhouse;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Inlines values into SQL, escaped here and nowhere else: for 18.16, which has no server-side query
 * parameters ({@link Sql} sends values as parameters where the server takes them, and the client
 * escapes those).
 */
public final class SqlLiteral {

    private SqlLiteral() {
    }

    /** {@code ('a', 'b')}, for {@code IN}; at least one value. */
    public static String strings(Collection<String> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("IN () is no SQL: at least one value");
        }
        return values.stream().map(SqlLiteral::string).collect(Collectors.joining(", ", "(", ")"));
    }

    public static String string(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\'' -> out.append("\\'");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\0' -> out.append("\\0");
                default -> out.append(c);
            }
        }
        return out.append('\'').toString();
    }
}
