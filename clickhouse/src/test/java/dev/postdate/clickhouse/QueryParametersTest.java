package dev.postdate.clickhouse;

import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values that would end or escape a literal reach the server as the same values, by either path: as
 * query parameters on a server that takes them, inlined on 18.16; and rows written in RowBinary, on
 * every server. Which path a server gets is not left
 * to the probe alone: current releases must take parameters.
 */
class QueryParametersTest {

    private static final List<String> HOSTILE = List.of("it's", "back\\slash", "tab\there", "line\nbreak",
            "'); DROP TABLE x; --", "{p0:String}", "\\'", "ünïcødé 📬", "nul\0byte", "");

    @Test
    void hostileValuesComeBackAsTheyWere() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(QueryParametersTest.class)) {
            ClickHouseSql sql = ClickHouseTestSupport.sqlFor(env);
            assertEquals(ServerVersion.of(sql).major() >= 19, sql.takesParameters(), "parameters on " + ServerVersion.of(sql));

            for (String value : HOSTILE) {
                List<List<String>> rows = sql.select(Sql.of("SELECT ").value(value).sql(", length(").value(value)
                        .sql("), ").value(value).sql(" IN ").values(List.of("other", value)).sql(", has(")
                        .sql(Sql.of("[").value(value).sql("]")).sql(", ").value(value).sql(")"));
                assertEquals(List.of(List.of(value, Integer.toString(value.getBytes(StandardCharsets.UTF_8).length),
                        "1", "1")), rows, value);
            }
        }
    }

    @Test
    void aListTooLongForTheUrlIsInlinedAndStillFound() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(QueryParametersTest.class)) {
            ClickHouseSql sql = ClickHouseTestSupport.sqlFor(env);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                ids.add("batch-" + i + "-" + "x".repeat(20));
            }
            ids.add("it's\\the\tlast");
            assertEquals(List.of(List.of("1", "0")), sql.select(Sql.of("SELECT ").value("it's\\the\tlast").sql(" IN ").values(ids)
                    .sql(", 'absent' IN ").values(ids)));
        }
    }

    @Test
    void writesKeepTheValuesAsTheyWere() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(QueryParametersTest.class)) {
            ClickHouseSql sql = ClickHouseTestSupport.sqlFor(env);
            sql.execute("CREATE DATABASE IF NOT EXISTS " + sql.database());
            String table = sql.table("hostile_values");
            sql.execute("CREATE TABLE " + table + " (k String, via String) ENGINE = MergeTree ORDER BY k");
            sql.insert(table, List.of("k", "via"), HOSTILE, (out, value) -> {
                out.string(value);
                out.string("rowbinary");
            });
            for (String value : HOSTILE) {
                sql.execute(Sql.of("INSERT INTO " + table + " (k, via) SELECT ").value(value).sql(", 'statement'"));
            }
            assertEquals(Set.copyOf(HOSTILE), keys(sql, table, "rowbinary"));
            assertEquals(Set.copyOf(HOSTILE), keys(sql, table, "statement"));

            List<String> erased = HOSTILE.subList(0, 5);
            sql.execute(Sql.of("ALTER TABLE " + table + " DELETE WHERE k IN ").values(erased));
            assertTrue(Await.until(Duration.ofSeconds(30), () -> Mutations.pending(sql, "hostile_values") == 0));
            Set<String> kept = new HashSet<>(HOSTILE);
            erased.forEach(kept::remove);
            assertEquals(kept, keys(sql, table, "rowbinary"), "the mutation's condition matched exactly its values");
            assertEquals(kept, keys(sql, table, "statement"));
        }
    }

    private static Set<String> keys(ClickHouseSql sql, String table, String via) {
        return Set.copyOf(sql.selectRows(Sql.of("SELECT k FROM " + table + " WHERE via = ").value(via), row -> row.string()));
    }

    @Test
    void rowBinaryReadsTakeParametersToo() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(QueryParametersTest.class)) {
            ClickHouseSql sql = ClickHouseTestSupport.sqlFor(env);
            for (String value : HOSTILE) {
                assertEquals(List.of(value), sql.selectRows(Sql.of("SELECT ").value(value), row -> row.string()), value);
            }
        }
    }
}
