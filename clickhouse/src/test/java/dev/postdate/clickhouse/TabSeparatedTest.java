package dev.postdate.clickhouse;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lines are written as ClickHouse escapes its TabSeparated output. */
class TabSeparatedTest {

    @Test
    void escapedValuesParseBackToTheOriginals() {
        assertEquals(List.of("a\tb", "line\nbreak", "back\\slash", "", "cr\r", "nul\0"),
                TabSeparated.parseLine("a\\tb\tline\\nbreak\tback\\\\slash\t\tcr\\r\tnul\\0"));
    }

    @Test
    void valuesMixingPlainRunsAndEscapesParse() {
        assertEquals(List.of("\\", "\t\t", "plain", "end\\", "\nstart", "a\\b\tc\nd\re\0f", "x", ""),
                TabSeparated.parseLine("\\\\\t\\t\\t\tplain\tend\\\\\t\\nstart\ta\\\\b\\tc\\nd\\re\\0f\tx\t"));
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
