package dev.postdate.clickhouse.migrations;

import dev.postdate.clickhouse.ClickHouseSql;

/** A test database as the migrator of an older release left it: the migrations up to one version applied. */
final class SchemaAt {

    private SchemaAt() {
    }

    static void version(ClickHouseSql sql, int last) {
        ddl(sql, "CREATE DATABASE IF NOT EXISTS " + sql.database());
        ddl(sql, "CREATE TABLE IF NOT EXISTS " + sql.table("schema_migrations")
                + " (version UInt32, name String, checksum String, applied_at DateTime('UTC'))"
                + " ENGINE = MergeTree() ORDER BY version");
        for (Migration migration : MigrationFiles.load(sql.database())) {
            if (migration.version() <= last) {
                applied(sql, migration);
            }
        }
    }

    /** One migration's statements run and the migration recorded, as a migrator that finished it leaves them. */
    static void applied(ClickHouseSql sql, Migration migration) {
        migration.statements().forEach(statement -> ddl(sql, statement));
        sql.execute("INSERT INTO " + sql.table("schema_migrations") + " VALUES (" + migration.version()
                + ", '" + migration.name() + "', '" + migration.checksum() + "', now())");
    }

    /** A shipped migration by its version. */
    static Migration migration(ClickHouseSql sql, int version) {
        return MigrationFiles.load(sql.database()).stream().filter(m -> m.version() == version).findFirst().orElseThrow();
    }

    /** A statement as the migrator runs it: on the local cluster, in its cluster form. */
    static void ddl(ClickHouseSql sql, String statement) {
        sql.execute(sql.cluster().isEmpty() ? statement : new ClusterDdl(sql.cluster()).rewrite(statement));
    }
}
