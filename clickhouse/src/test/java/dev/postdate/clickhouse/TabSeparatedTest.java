package dev.postdate.clickhouse;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TabSeparatedTest {

    @Test
    void escapedValuesParseBackToTheOriginals() {
        List<String> values = List.of("a\tb", "line\nbreak", "back\\slash", "", "cr\r", "nul\0");
        StringBuilder line = new StringBuilder();
        for (String value : values) {
            if (!line.isEmpty()) {
                line.append('\t');
            }
            TabSeparated.appendEscaped(line, value);
        }
        assertEquals(values, TabSeparated.parseLine(line.toString()));
    }

    @Test
    void valuesMixingPlainRunsAndEscapesRoundTrip() {
        List<String> values = List.of("\\", "\t\t", "plain", "end\\", "\nstart", "a\\b\tc\nd\re\0f", "x", "");
        StringBuilder line = new StringBuilder();
        for (String value : values) {
            if (!line.isEmpty()) {
                line.append('\t');
            }
            TabSeparated.appendEscaped(line, value);
        }
        assertEquals("\\\\\t\\t\\t\tplain\tend\\\\\t\\nstart\ta\\\\b\\tc\\nd\\re\\0f\tx\t", line.toString());
        assertEquals(values, TabSeparated.parseLine(line.toString()));
    }

    @Test
    void escapesOfClickHouseOutputParse() {
        assertEquals(List.of("a\bb", "\fc", "q'", ""), TabSeparated.parseLine("a\\bb\t\\fc\tq\\'\t"));
    }

    @Test
    void emptyLineIsOneEmptyValue() {
        assertEquals(List.of(""), TabSeparated.parseLine(""));
    }
}
