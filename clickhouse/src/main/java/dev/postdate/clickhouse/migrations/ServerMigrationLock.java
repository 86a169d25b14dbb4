package dev.postdate.clickhouse.migrations;

import dev.postdate.clickhouse.ClickHouseException;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;

import java.time.Duration;
import java.util.Optional;

/**
 * Lets one migrator at a time work on one server (or on a service that orders its DDL itself, such
 * as ClickHouse Cloud). Without it a run that lags behind could replay a statement the run ahead
 * has moved on from: V026's rename of {@code send_marks} landing after V027 would move the live table
 * away (docs/clickhouse.md). Creating a table is atomic on a server: of migrators that create the
 * lock table at once, one does, and the others are told it exists. The taker's token is the default
 * of the table's one column, so it comes into being with the table: the taker gives back only a lock
 * that holds its token, and takes back one that does (its earlier attempt's, when ClickHouse went
 * away before that attempt could release it). A lock table older than {@code staleAfter} (its
 * creation by the server's clock) is taken for a dead holder's and dropped.
 */
final class ServerMigrationLock extends MigrationLock {

    private final String token;

    /** @param token this migrator's, the same across its attempts */
    ServerMigrationLock(ClickHouseSql sql, Duration staleAfter, String token) {
        super(sql, staleAfter);
        this.token = token;
    }

    @Override
    Held tryAcquire() {
        try {
            sql.execute("CREATE TABLE " + sql.table(TABLE) + " (holder String DEFAULT " + SqlLiteral.string(token)
                    + ") ENGINE = MergeTree() ORDER BY tuple()");
        } catch (ClickHouseException e) {
            if (e.code() != TABLE_ALREADY_EXISTS) {
                throw e;
            }
            if (holder().filter(token::equals).isPresent()) {
                return new Held(this::release);
            }
            long age = tableAgeSeconds();
            if (age >= staleAfter.toSeconds()) {
                warnStale(age);
                drop("");
            }
            return null;
        }
        return new Held(this::release);
    }

    /** Releases the lock only while it is still this migrator's. */
    private void release() {
        if (holder().filter(token::equals).isPresent()) {
            drop("");
        } else {
            warnTakenOver();
        }
    }

    /** The token the lock table was created with; empty when there is none. */
    private Optional<String> holder() {
        return sql.select("SELECT default_expression FROM system.columns WHERE database = "
                        + SqlLiteral.string(sql.database()) + " AND table = " + SqlLiteral.string(TABLE)
                        + " AND name = 'holder'")
                .stream().findFirst().map(row -> row.getFirst()).map(ServerMigrationLock::unquoted);
    }

    /** The default as the server shows it: a string literal, quoted and escaped as ClickHouse writes one. */
    private static String unquoted(String literal) {
        return literal.length() >= 2 && literal.startsWith("'") && literal.endsWith("'")
                ? literal.substring(1, literal.length() - 1) : literal;
    }
}
