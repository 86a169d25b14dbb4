package dev.postdate.clickhouse;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SqlTest {

    private final Sql query = Sql.of("SELECT x FROM t WHERE tenant = ").value("it's\\me")
            .sql(" AND id IN ").values(List.of("a", "b'\tc")).sql(" AND ").sql(Sql.of("n = ").value("line\nbreak"));

    @Test
    void inlinedValuesAreEscapedLiterals() {
        assertEquals("SELECT x FROM t WHERE tenant = 'it\\'s\\\\me' AND id IN ('a', 'b\\'\\tc') AND n = 'line\\nbreak'",
                query.inline());
    }

    @Test
    void boundValuesAreParametersAsTheyAre() {
        Sql.Bound bound = query.bind();
        assertEquals("SELECT x FROM t WHERE tenant = {p0:String} AND id IN {p1:Array(String)} AND n = {p2:String}",
                bound.text());
        // The values as they are: the client writes each in the form the server reads.
        assertEquals(Map.of("p0", "it's\\me", "p1", List.of("a", "b'\tc"), "p2", "line\nbreak"), bound.parameters());
    }

    @Test
    void printedWithPlaceholdersOnly() {
        assertEquals(query.bind().text(), query.toString());
    }

    @Test
    void joinsFragmentsAndRefusesAnEmptyList() {
        assertEquals("(a = 'x' OR b = 'y')", Sql.join(List.of(Sql.of("a = ").value("x"), Sql.of("b = ").value("y")),
                " OR ", "(", ")").inline());
        assertThrows(IllegalArgumentException.class, () -> Sql.valuesOf(List.of()));
    }
}
