package dev.postdate.clickhouse.migrations;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.postdate.clickhouse.ClickHouseException;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings a database up to the newest shipped migration and records each one applied in
 * {@code schema_migrations}. Safe to run from several processes at once: they take turns
 * (the lock), and every statement is idempotent besides, for runs beside one that broke a stale
 * lock, so the worst such a race does is record a version twice. Some statements are made
 * idempotent here, as 18.16 has no {@code IF [NOT] EXISTS} for them: an {@code ADD COLUMN} whose
 * column already exists counts as added, a {@code RENAME TABLE a TO b} that fails while {@code b}
 * exists counts as done, an {@code INSERT INTO t ... SELECT} copy whose target {@code t} a concurrent
 * run renamed away, or whose source is gone after a concurrent run recorded the migration, counts as
 * done, and so, on a cluster, does the {@code CREATE} of such a {@code t}
 * whose ZooKeeper path the renamed table holds (a migration that renames must be written so that
 * these hold: see V012); so does a copy whose source a later {@code DROP TABLE IF EXISTS} of the
 * same migration removed. A migration a concurrent run records meanwhile is that run's: this one
 * stops applying it (it asks before every statement and after one fails). After every migration,
 * {@link ViewSources} binds every materialized view to the table its query names again, where a
 * current server let a RENAME take it along. One migrator at a time works, under a
 * {@link MigrationLock}; on a cluster every statement runs in its {@link ClusterDdl} form.
 */
public final class Migrator {

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
    private static final Pattern RENAME = Pattern.compile("RENAME TABLE\\s+\\S+\\s+TO\\s+([A-Za-z0-9_.]+)");
    private static final Pattern CREATE_TABLE = Pattern.compile("CREATE TABLE IF NOT EXISTS\\s+([A-Za-z0-9_.]+)");
    /** How long a run waits for a concurrent one to record the migration whose copy it found moved away. */
    private static final Duration CONCURRENT_RUN_WAIT = Duration.ofSeconds(30);
    private static final Duration CONCURRENT_RUN_POLL = Duration.ofMillis(200);
    private static final Pattern COPY = Pattern.compile("INSERT INTO\\s+([A-Za-z0-9_.]+)\\s.*\\sSELECT\\s.*", Pattern.DOTALL);
    private static final Pattern COPY_SOURCE = Pattern.compile("\\sFROM\\s+([A-Za-z0-9_.]+)");
    private static final String INACTIVE_REPLICA_WAIT = "replication_wait_for_inactive_replica_timeout";

    private final ClickHouseSql sql;
    private final Function<String, List<Migration>> loadShipped;
    /** The statement as the server runs it: the file's text, or its cluster form. */
    private final UnaryOperator<String> ddl;
    private final MigrationLock lock;
    /** What a cluster's ALTERs are sent with on this server; null until asked. */
    private Map<String, String> alterSettings;

    public Migrator(ClickHouseSql sql) {
        this(sql, MigrationLock.DEFAULT_STALE_AFTER);
    }

    /** @param lockStaleAfter how old another migrator's lock must be to be taken for dead */
    public Migrator(ClickHouseSql sql, Duration lockStaleAfter) {
        this(sql, lockStaleAfter, MigrationFiles::load);
    }

    /** @param shipped the migrations this build ships, for a database name */
    Migrator(ClickHouseSql sql, Duration lockStaleAfter, Function<String, List<Migration>> shipped) {
        this.sql = sql;
        this.loadShipped = shipped;
        this.ddl = sql.cluster().isEmpty() ? UnaryOperator.identity() : new ClusterDdl(sql.cluster())::rewrite;
        this.lock = MigrationLock.of(sql, lockStaleAfter, UUID.randomUUID().toString());
    }

    /** Applies what is pending and returns the names applied now (empty when already current). */
    public List<String> migrate() {
        List<Migration> shipped = loadShipped.apply(sql.database());
        // Asked first, without the lock: on a cluster a DDL statement waits for every replica, so a
        // component that starts while one is down must not need any when the schema is current.
        if (exists(sql.table("schema_migrations")) && pending(shipped).isEmpty()) {
            new ViewSources(sql).rebind();
            return List.of();
        }
        // Before the lock, whose table lives in the database.
        sql.execute(ddl.apply("CREATE DATABASE IF NOT EXISTS " + sql.database()));
        try (MigrationLock.Held held = lock.acquire()) {
            return applyPending(shipped);
        }
    }

    private List<String> applyPending(List<Migration> shipped) {
        if (!exists(sql.table("schema_migrations"))) {
            createMigrationsTable();
        }
        List<String> appliedNow = new ArrayList<>();
        for (Migration migration : pending(shipped)) {
            if (!applyUnlessRecorded(migration)) {
                // Before the next migration, which may drop a table this run's RENAME moved views to.
                new ViewSources(sql).rebind();
                continue;
            }
            sql.execute("INSERT INTO " + sql.table("schema_migrations")
                    + " (version, name, checksum, applied_at) VALUES ("
                    + migration.version() + ", " + SqlLiteral.string(migration.name()) + ", "
                    + SqlLiteral.string(migration.checksum()) + ", now())");
            appliedNow.add(migration.name());
            // Before the next migration, which may drop a table a current server's RENAME moved views to.
            new ViewSources(sql).rebind();
        }
        new ViewSources(sql).rebind();
        return appliedNow;
    }

    /**
     * Applies a migration's statements unless a concurrent run records it meanwhile, which ends this
     * run's part in it (false). Runs race only beside one that broke a stale lock (or one of a build
     * before the lock). A run that lags must not replay what the run ahead has moved on from:
     * V001's CREATE TABLE IF NOT EXISTS after V012 moved emails away would make a new, daily
     * partitioned table of that name, and V026's rename of {@code send_marks} after V027 would move
     * the live table away. So it asks before every statement, which narrows that window to one
     * statement's time, and after one fails: a statement whose work a later migration undid
     * meanwhile (V026's rename of a table V027 dropped) fails for that reason.
     */
    private boolean applyUnlessRecorded(Migration migration) {
        if (recorded(migration)) {
            return false;
        }
        LOG.info("Applying migration {} to database {}", migration.name(), sql.database());
        List<String> statements = migration.statements();
        for (int i = 0; i < statements.size(); i++) {
            stopIfInterrupted();
            if (i > 0 && recorded(migration)) {
                LOG.info("Migration {} was finished by a concurrent run", migration.name());
                return false;
            }
            try {
                apply(statements.get(i), migration);
            } catch (ClickHouseException e) {
                boolean recordedMeanwhile;
                try {
                    recordedMeanwhile = recorded(migration);
                } catch (RuntimeException check) {
                    e.addSuppressed(check);
                    throw e;
                }
                if (!recordedMeanwhile) {
                    throw e;
                }
                LOG.info("Migration {} was finished by a concurrent run: {}", migration.name(), e.getMessage());
                return false;
            }
        }
        return true;
    }

    /**
     * A stopping component interrupts its migration; the client's blocking calls do not notice, so
     * the migration stops between statements and gives its lock back while the client is still open.
     */
    private static void stopIfInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("migration interrupted: the component is stopping");
        }
    }

    private boolean recorded(Migration migration) {
        return appliedChecksums().containsKey(migration.version());
    }

    /** The shipped migrations not applied yet; refuses to go on when an applied one was edited since. */
    private List<Migration> pending(List<Migration> shipped) {
        Map<Integer, String> applied = appliedChecksums();
        for (Migration migration : shipped) {
            String checksum = applied.get(migration.version());
            if (checksum != null && !checksum.equals(migration.checksum())) {
                throw new IllegalStateException("Migration " + migration.name()
                        + " was edited after it was applied; add a new migration instead");
            }
        }
        return shipped.stream().filter(m -> !applied.containsKey(m.version())).toList();
    }

    private void createMigrationsTable() {
        sql.execute(ddl.apply("CREATE TABLE IF NOT EXISTS " + sql.table("schema_migrations") + """
                 (
                    version    UInt32,
                    name       String,
                    checksum   String,
                    applied_at DateTime('UTC')
                ) ENGINE = MergeTree() ORDER BY version"""));
    }

    private void apply(String statement, Migration migration) {
        try {
            String clustered = ddl.apply(statement);
            sql.execute(clustered, !sql.cluster().isEmpty() && clustered.startsWith("ALTER") ? replicatedAlterSettings() : Map.of());
        } catch (ClickHouseException e) {
            if (!alreadyDone(statement, migration, e)) {
                throw e;
            }
            LOG.info("Already done by an earlier or a concurrent run: {}", e.getMessage());
        }
    }

    /**
     * On a cluster an ALTER goes to one replica, and its table carries it to the others ({@link ClusterDdl}).
     * 18.16 waits for the other active replicas by itself; current servers wait only for the asked one
     * unless told ({@code alter_sync=2}), and then also for an inactive one, 120 s before failing, unless
     * told not to ({@code replication_wait_for_inactive_replica_timeout=0}): a replica that is down takes
     * the change when it is back.
     */
    private Map<String, String> replicatedAlterSettings() {
        Map<String, String> settings = alterSettings;
        if (settings == null) {
            settings = sql.knowsSetting(INACTIVE_REPLICA_WAIT)
                    ? Map.of("alter_sync", "2", INACTIVE_REPLICA_WAIT, "0") : Map.of();
            alterSettings = settings;
        }
        return settings;
    }

    private boolean alreadyDone(String statement, Migration migration, ClickHouseException failure) {
        Matcher create = CREATE_TABLE.matcher(statement);
        if (create.lookingAt() && failure.code() == ClickHouseException.REPLICA_ALREADY_EXISTS) {
            // On a cluster: the table's ZooKeeper path is taken by the table a concurrent run created
            // under this name and, later in this same migration, renamed (V012, V015); the copy and
            // the rename that follow count as done too.
            return migration.statements().stream().anyMatch(later -> later.startsWith("RENAME TABLE " + create.group(1) + " "));
        }
        if (statement.contains("ADD COLUMN")) {
            return failure.code() == ClickHouseException.ILLEGAL_COLUMN
                    || failure.code() == ClickHouseException.DUPLICATE_COLUMN;
        }
        Matcher rename = RENAME.matcher(statement);
        if (rename.matches()) {
            return exists(rename.group(1));
        }
        // A copy into a table that a concurrent run has meanwhile renamed away (V012): that run renames
        // only its finished copy, so this one is not needed. Nor is a copy whose source is gone because
        // a concurrent run finished this migration and a later one dropped the source (V016 drops
        // emails_v001): that run recorded this migration.
        Matcher copy = COPY.matcher(statement);
        if (!copy.matches() || failure.code() != ClickHouseException.UNKNOWN_TABLE) {
            return false;
        }
        // A copy whose source this same migration drops further on (V027), repeated after an
        // interruption that came after the drop: the copy was made before it.
        Matcher source = COPY_SOURCE.matcher(statement);
        if (source.find() && !exists(source.group(1))
                && migration.statements().contains("DROP TABLE IF EXISTS " + source.group(1))) {
            return true;
        }
        // The concurrent run that moved a table away may still be inside this migration: it records
        // it within moments, and only then is this run sure the copy was not its own to make.
        try {
            return Failsafe.with(RetryPolicy.<Boolean>builder().handleResult(false).withDelay(CONCURRENT_RUN_POLL)
                            .withMaxDuration(CONCURRENT_RUN_WAIT).withMaxAttempts(-1).build())
                    .get(() -> !exists(copy.group(1)) || recorded(migration));
        } catch (FailsafeException e) {
            return false;
        }
    }

    private boolean exists(String table) {
        return "1".equals(sql.select("EXISTS TABLE " + table).getFirst().getFirst());
    }

    /** The newest applied version, or 0 when none is. */
    public int currentVersion() {
        return appliedChecksums().keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** The newest version this build ships. */
    public int shippedVersion() {
        return loadShipped.apply(sql.database()).getLast().version();
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
