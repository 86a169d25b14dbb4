package dev.postdate.core.template;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Depth, elements and bytes of an email's data. */
class DataLimitsTest {

    /** At most 4 levels, 10 values, 40 bytes. */
    private final DataLimits limits = new DataLimits(
            new TemplateSettings(10, 1000, 1000, 1000, Duration.ofSeconds(1), 4, 10, 40));

    private static Object nested(int lists, Object leaf) {
        Object value = leaf;
        for (int i = 0; i < lists; i++) {
            value = List.of(value);
        }
        return value;
    }

    @Test
    void dataAtEachLimitPasses() {
        assertEquals(Optional.empty(), limits.check(null));
        assertEquals(Optional.empty(), limits.check(Map.of()));
        // data is level 1, x level 2, two lists inside: the leaf is on level 4.
        assertEquals(Optional.empty(), limits.check(Map.of("x", nested(2, "y"))));
        assertEquals(Optional.empty(), limits.check(Map.of("l", List.of(1, 2, 3, 4, 5, 6, 7, 8, 9))));
        // "k" + 39 bytes of text: "é" is 2 bytes, "👋" 4.
        assertEquals(Optional.empty(), limits.check(Map.of("k", "é".repeat(17) + "👋" + "a")));
    }

    @Test
    void tooDeepNamesTheFirstValueBeyondTheLimit() {
        assertEquals(Optional.of(new DataLimits.Violation("data.x[0][0][0]", "data may be nested at most 4 levels deep")),
                limits.check(Map.of("x", nested(3, "y"))));
    }

    @Test
    void tooManyValuesCountsEveryMemberAndElement() {
        DataLimits.Violation tooMany = new DataLimits.Violation("data", "data holds more than 10 values");
        assertEquals(Optional.of(tooMany), limits.check(Map.of("l", List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))));
        Map<String, Object> members = new HashMap<>();
        for (int i = 0; i < 11; i++) {
            members.put("k" + i, true);
        }
        assertEquals(Optional.of(tooMany), limits.check(members));
    }

    @Test
    void tooManyBytesCountsKeysStringsAndNumbers() {
        DataLimits.Violation tooBig = new DataLimits.Violation("data", "data holds more than 40 bytes of keys, strings and numbers");
        assertEquals(Optional.of(tooBig), limits.check(Map.of("k", "é".repeat(17) + "👋" + "ab")));
        assertEquals(Optional.of(tooBig), limits.check(Map.of("k".repeat(41), 1)));
        assertEquals(Optional.of(tooBig), limits.check(Map.of("n", List.of(1234567890123L, 1234567890123L, 1234567890123L, 1.5))));
    }
}
