package dev.postdate.clickhouse.migrations;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationFilesTest {

    @Test
    void splitsStatementsDropsCommentsAndFillsInTheDatabase() {
        String text = """
                -- a comment; with a semicolon
                CREATE TABLE ${db}.a (x UInt8) ENGINE = Memory;

                CREATE TABLE ${db}.b
                (
                    s String DEFAULT 'a;b'
                ) ENGINE = Memory;
                """;
        List<String> statements = MigrationFiles.statements(text, "mydb");
        assertEquals(2, statements.size());
        assertEquals("CREATE TABLE mydb.a (x UInt8) ENGINE = Memory", statements.get(0));
        assertTrue(statements.get(1).contains("DEFAULT 'a;b'"));
    }

    @Test
    void shippedMigrationsAreNumberedInOrder() {
        List<Migration> shipped = MigrationFiles.load("db");
        assertEquals(1, shipped.getFirst().version());
        for (int i = 1; i < shipped.size(); i++) {
            assertTrue(shipped.get(i).version() > shipped.get(i - 1).version());
        }
    }
}
