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
    void emptyLineIsOneEmptyValue() {
        assertEquals(List.of(""), TabSeparated.parseLine(""));
    }
}
