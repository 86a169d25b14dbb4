package dev.postdate.clickhouse;

/**
 * ClickHouse mutations ({@code ALTER TABLE ... UPDATE}, since 18.12) run in the background after the
 * statement returns; {@code system.mutations} tells which are still rewriting parts.
 */
public final class Mutations {

    private Mutations() {
    }

    /** How many mutations of one of Postdate's tables have not finished yet. */
    public static long pending(ClickHouseSql sql, String table) {
        return Long.parseLong(sql.select("SELECT count() FROM system.mutations WHERE database = "
                + SqlLiteral.string(sql.database()) + " AND table = " + SqlLiteral.string(table) + " AND is_done = 0")
                .getFirst().getFirst());
    }
}
