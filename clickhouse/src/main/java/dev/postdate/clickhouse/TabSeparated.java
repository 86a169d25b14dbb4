package dev.postdate.clickhouse;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads ClickHouse's TabSeparated output: the format is plain text, needs no schema and reads
 * the same on 18.16 and current servers.
 */
public final class TabSeparated {

    private TabSeparated() {
    }

    /**
     * Splits one row into its unescaped values. Runs without a backslash, nearly all of a row, are
     * copied whole: every fetched email's payload passes through here.
     */
    public static List<String> parseLine(String line) {
        List<String> values = new ArrayList<>();
        int from = 0;
        int backslash = line.indexOf('\\');
        while (true) {
            int tab = line.indexOf('\t', from);
            int end = tab < 0 ? line.length() : tab;
            if (backslash >= 0 && backslash < from) {
                backslash = line.indexOf('\\', from);
            }
            if (backslash < 0 || backslash >= end) {
                values.add(line.substring(from, end));
                from = end + 1;
            } else {
                from = parseEscapedValue(line, from, values);
            }
            if (from > line.length()) {
                return values;
            }
        }
    }

    /** Adds the value starting at {@code from}, which holds escapes; returns where the next value starts. */
    private static int parseEscapedValue(String line, int from, List<String> values) {
        StringBuilder value = new StringBuilder(line.length() - from);
        int i = from;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '\t') {
                break;
            }
            if (c == '\\' && i + 1 < line.length()) {
                value.append(unescape(line.charAt(i + 1)));
                i += 2;
            } else {
                value.append(c);
                i++;
            }
        }
        values.add(value.toString());
        return i + 1;
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
