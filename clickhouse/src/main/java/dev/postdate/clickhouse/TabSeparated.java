package dev.postdate.clickhouse;

import java.util.ArrayList;
import java.util.List;

/**
 * ClickHouse's TabSeparated escaping, both ways: the format is plain text, needs no schema and reads
 * the same on 18.16 and current servers.
 */
public final class TabSeparated {

    private TabSeparated() {
    }

    public static List<String> parseLine(String line) {
        List<String> values = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                values.add(current.toString());
                current.setLength(0);
            } else if (c == '\\' && i + 1 < line.length()) {
                current.append(unescape(line.charAt(++i)));
            } else {
                current.append(c);
            }
        }
        values.add(current.toString());
        return values;
    }

    /** Escapes one value for a TabSeparated row. */
    public static void appendEscaped(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\\' -> out.append("\\\\");
                case '\0' -> out.append("\\0");
                default -> out.append(c);
            }
        }
    }

    private static char unescape(char c) {
        return switch (c) {
            case 't' -> '\t';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case '0' -> '\0';
            case 'b' -> '\b';
            case 'f' -> '\f';
            default -> c;
        };
    }
}
