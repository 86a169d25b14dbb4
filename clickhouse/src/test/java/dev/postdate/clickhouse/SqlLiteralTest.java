package dev.postdate.clickhouse;

import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The server, not our own parser, decides whether a literal survives the round trip. */
class SqlLiteralTest {

    private static TestEnvironment env;
    private static ClickHouseSql sql;

    @BeforeAll
    static void connect() {
        env = TestEnvironment.create(SqlLiteralTest.class);
        sql = ClickHouseTestSupport.sqlFor(env);
    }

    @AfterAll
    static void close() throws Exception {
        env.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "it's", "back\\slash", "tab\there", "new\nline", "cr\rlf", "quote\\'",
            "'; DROP TABLE x; --", "naïve ☃ 日本", "nul\0byte", ""})
    void literalReadsBackAsTheSameString(String value) {
        assertEquals(value, sql.select("SELECT " + SqlLiteral.string(value)).getFirst().getFirst());
    }

    @Test
    void stringsFormATupleForIn() {
        assertEquals("1", sql.select("SELECT 'it''s' IN " + SqlLiteral.strings(List.of("a", "it's", "b"))).getFirst().getFirst());
        assertEquals("0", sql.select("SELECT 'c' IN " + SqlLiteral.strings(List.of("a", "it's"))).getFirst().getFirst());
        assertThrows(IllegalArgumentException.class, () -> SqlLiteral.strings(List.of()));
    }
}
