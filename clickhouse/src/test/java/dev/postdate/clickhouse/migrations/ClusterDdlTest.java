package dev.postdate.clickhouse.migrations;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every shipped migration's cluster form: what the replicas of a cluster are asked to run. */
class ClusterDdlTest {

    private final ClusterDdl ddl = new ClusterDdl("pd");

    @Test
    void tablesAndViewsBecomeReplicatedOnTheCluster() {
        assertEquals("CREATE TABLE IF NOT EXISTS db.t ON CLUSTER pd (a UInt64) ENGINE = "
                        + "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db/t', '{replica}', version) ORDER BY a",
                ddl.rewrite("CREATE TABLE IF NOT EXISTS db.t (a UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY a"));
        assertEquals("CREATE MATERIALIZED VIEW IF NOT EXISTS db.v ON CLUSTER pd\nENGINE = "
                        + "ReplicatedMergeTree('/clickhouse/tables/{shard}/db/v', '{replica}')\nORDER BY (s, q) AS SELECT s, q FROM db.t",
                ddl.rewrite("CREATE MATERIALIZED VIEW IF NOT EXISTS db.v\nENGINE = MergeTree()\nORDER BY (s, q) AS SELECT s, q FROM db.t"));
        assertEquals("CREATE DATABASE IF NOT EXISTS db ON CLUSTER pd", ddl.rewrite("CREATE DATABASE IF NOT EXISTS db"));
    }

    @Test
    void changesRunOnEveryReplicaAndInsertsAndAltersOnOne() {
        String alter = "ALTER TABLE db.t ADD COLUMN b UInt8";
        assertEquals(alter, ddl.rewrite(alter));
        assertEquals("RENAME TABLE db.a TO db.b ON CLUSTER pd", ddl.rewrite("RENAME TABLE db.a TO db.b"));
        assertEquals("DROP TABLE IF EXISTS db.a ON CLUSTER pd", ddl.rewrite("DROP TABLE IF EXISTS db.a"));
        String copy = "INSERT INTO db.b (a) SELECT a FROM db.a";
        assertEquals(copy, ddl.rewrite(copy));
    }

    @Test
    void everyShippedTableIsReplicatedUnderAPathOfItsOwn() {
        List<String> creates = MigrationFiles.load("db").stream()
                .flatMap(migration -> migration.statements().stream())
                .map(ddl::rewrite)
                .filter(statement -> statement.startsWith("CREATE TABLE") || statement.startsWith("CREATE MATERIALIZED"))
                .toList();
        assertTrue(creates.size() >= 14, creates.size() + " tables and views");
        List<String> tables = new ArrayList<>();
        for (String create : creates) {
            assertTrue(create.contains(" ON CLUSTER pd"), create);
            String[] words = create.split("\\s+");
            String name = words[create.startsWith("CREATE TABLE") ? 5 : 6];
            if (create.startsWith("CREATE MATERIALIZED") && words[10].equals("TO")) {
                // A view that feeds a table of its own has no engine: the table is replicated.
                assertTrue(tables.contains(words[11]), create);
                continue;
            }
            assertTrue(create.contains("ENGINE = Replicated"), create);
            assertTrue(create.contains("'/clickhouse/tables/{shard}/" + name.replace('.', '/') + "'"), create);
            tables.add(name);
        }
    }

    @Test
    void everyShippedAlterChangesAReplicatedTable() {
        List<String> statements = MigrationFiles.load("db").stream()
                .flatMap(migration -> migration.statements().stream())
                .map(ddl::rewrite)
                .toList();
        List<String> alters = statements.stream().filter(statement -> statement.startsWith("ALTER")).toList();
        assertTrue(alters.size() >= 5, alters.size() + " ALTERs");
        for (String alter : alters) {
            String table = alter.split("\\s+")[2];
            assertTrue(statements.stream().anyMatch(statement -> statement.startsWith("CREATE TABLE IF NOT EXISTS " + table + " ")
                    && statement.contains("ENGINE = Replicated")), alter + ": no replicated CREATE of " + table
                    + ", so the ALTER would reach one replica only");
        }
    }
}
