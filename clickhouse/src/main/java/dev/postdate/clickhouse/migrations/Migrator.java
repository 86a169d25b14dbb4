package dev.postdate.clickhouse.migrations;

import dev.postdate.clickhouse.ClickHouseException;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings a database up to the newest shipped migration and records each one applied in
 * {@code schema_migrations}. Safe to run from several processes at once: every statement is
 * idempotent, so the worst a race does is record a version twice. {@code ADD COLUMN} has no
 * {@code IF NOT EXISTS} on 18.16, so a column that already exists counts as added.
 */
public final class Migrator {

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    private final ClickHouseSql sql;

    public Migrator(ClickHouseSql sql) {
        this.sql = sql;
    }

    /** Applies what is pending and returns the names applied now (empty when already current). */
    public List<String> migrate() {
        List<Migration> shipped = MigrationFiles.load(sql.database());
        sql.execute("CREATE DATABASE IF NOT EXISTS " + sql.database());
        sql.execute("CREATE TABLE IF NOT EXISTS " + sql.table("schema_migrations") + """
                 (
                    version    UInt32,
                    name       String,
                    checksum   String,
                    applied_at DateTime('UTC')
                ) ENGINE = MergeTree() ORDER BY version""");
        Map<Integer, String> applied = appliedChecksums();
        List<Migration> pending = shipped.stream().filter(m -> !applied.containsKey(m.version())).toList();
        for (Migration migration : shipped) {
            String checksum = applied.get(migration.version());
            if (checksum != null && !checksum.equals(migration.checksum())) {
                throw new IllegalStateException("Migration " + migration.name()
                        + " was edited after it was applied; add a new migration instead");
            }
        }
        for (Migration migration : pending) {
            LOG.info("Applying migration {} to database {}", migration.name(), sql.database());
            migration.statements().forEach(this::apply);
            sql.execute("INSERT INTO " + sql.table("schema_migrations")
                    + " (version, name, checksum, applied_at) VALUES ("
                    + migration.version() + ", " + SqlLiteral.string(migration.name()) + ", "
                    + SqlLiteral.string(migration.checksum()) + ", now())");
        }
        return pending.stream().map(Migration::name).toList();
    }

    private void apply(String statement) {
        try {
            sql.execute(statement);
        } catch (ClickHouseException e) {
            boolean addsColumn = statement.contains("ADD COLUMN");
            if (!addsColumn || e.code() != ClickHouseException.ILLEGAL_COLUMN) {
                throw e;
            }
            LOG.info("Column already added by a concurrent migration: {}", e.getMessage());
        }
    }

    /** The newest applied version, or 0 when none is. */
    public int currentVersion() {
        return appliedChecksums().keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** The newest version this build ships. */
    public int shippedVersion() {
        return MigrationFiles.load(sql.database()).getLast().version();
    }

    private Map<Integer, String> appliedChecksums() {
        Map<Integer, String> applied = new HashMap<>();
        for (List<String> row : sql.select("SELECT version, any(checksum) FROM "
                + sql.table("schema_migrations") + " GROUP BY version")) {
            applied.put(Integer.parseInt(row.get(0)), row.get(1));
        }
        return applied;
    }
}
