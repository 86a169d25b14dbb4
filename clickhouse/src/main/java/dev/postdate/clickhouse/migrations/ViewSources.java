package dev.postdate.clickhouse.migrations;

import dev.postdate.clickhouse.ClickHouseException;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps every materialized view fed by the table its query names. 18.16 binds a view to its source
 * by name; a current server's Atomic database binds it by identity, so V012's
 * {@code RENAME TABLE emails TO emails_v001} took {@code emails_by_id}, {@code emails_by_batch} and
 * {@code emails_by_seq} along and left the new, monthly {@code emails} feeding none of them: the
 * ranger would never have seen an email accepted after it. A view whose named source does not list
 * it among its dependencies is given its own query again ({@code ALTER TABLE ... MODIFY QUERY}, which
 * resolves the name anew and keeps the view's inner table; unlike a DETACH and ATTACH, a Replicated
 * database accepts it) and then the source's rows through that query: its engine is a
 * ReplacingMergeTree keyed by the row, so the rows it already had fold away. Runs after every
 * migration run; it finds nothing to do on 18.16, which binds by name, and after the first run anywhere.
 */
final class ViewSources {

    private static final Logger LOG = LoggerFactory.getLogger(ViewSources.class);
    private static final Pattern QUERY = Pattern.compile("\\sAS\\s+(SELECT\\s.*\\sFROM\\s+([A-Za-z0-9_]+)\\.([A-Za-z0-9_]+)\\b.*)",
            Pattern.DOTALL);

    private static final String EXPERIMENTAL_MODIFY_QUERY = "allow_experimental_alter_materialized_view_structure";

    private static final int ATTEMPTS = 20;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(250);

    private final ClickHouseSql sql;

    ViewSources(ClickHouseSql sql) {
        this.sql = sql;
    }

    /** Binds every view its named source does not feed; throws when some stay unfed. */
    void rebind() {
        for (int attempt = 1; ; attempt++) {
            Optional<List<View>> unfed = unfed();
            if (unfed.isPresent() && unfed.get().isEmpty()) {
                return;
            }
            if (attempt > ATTEMPTS) {
                throw new IllegalStateException("Materialized views still not fed by their source: "
                        + unfed.map(Object::toString).orElse("(system.tables kept changing)"));
            }
            if (unfed.isEmpty() || !bindAll(unfed.get(), attempt)) {
                pause();
            }
        }
    }

    /** False when another run raced this one (components starting together) and the caller should pause. */
    private boolean bindAll(List<View> unfed, int attempt) {
        boolean bound = true;
        for (View view : unfed) {
            try {
                rebind(view);
            } catch (ClickHouseException e) {
                // Another run alters the view right now.
                LOG.info("Binding {} again, attempt {}: {}", view.name, attempt, e.getMessage());
                bound = false;
            }
        }
        return bound;
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding materialized views", e);
        }
    }

    private void rebind(View view) {
        LOG.warn("Materialized view {} is not fed by {} (a RENAME took it along): giving it its query again", view.name,
                view.source);
        sql.execute("ALTER TABLE " + sql.table(view.name) + sql.onCluster() + " MODIFY QUERY " + view.query,
                modifyQuerySettings());
        sql.execute("INSERT INTO " + sql.table(view.name) + " " + view.query);
    }

    /** Releases before 23.11 take MODIFY QUERY only behind an experimental setting; later ones still know it. */
    private Map<String, String> modifyQuerySettings() {
        return sql.knowsSetting(EXPERIMENTAL_MODIFY_QUERY) ? Map.of(EXPERIMENTAL_MODIFY_QUERY, "1") : Map.of();
    }

    /**
     * The views their named source does not feed; empty when a table was dropped while system.tables
     * was read: 18.16 lists a snapshot of the database's tables and then fails with UNKNOWN_TABLE on
     * the create query of one that another migration run (V016's DROP) removed meanwhile.
     */
    private Optional<List<View>> unfed() {
        try {
            return Optional.of(readUnfed());
        } catch (ClickHouseException e) {
            if (e.code() != ClickHouseException.UNKNOWN_TABLE) {
                throw e;
            }
            LOG.info("Reading the views of {} raced a concurrent migration: {}", sql.database(), e.getMessage());
            return Optional.empty();
        }
    }

    private List<View> readUnfed() {
        List<View> unfed = new ArrayList<>();
        String database = SqlLiteral.string(sql.database());
        for (List<String> row : sql.select("SELECT name, create_table_query FROM system.tables WHERE database = "
                + database + " AND engine = 'MaterializedView'")) {
            Matcher query = QUERY.matcher(row.get(1));
            if (!query.find() || !query.group(2).equals(sql.database())) {
                continue;
            }
            String source = query.group(3);
            List<List<String>> dependencies = sql.select("SELECT has(dependencies_table, " + SqlLiteral.string(row.get(0))
                    + ") FROM system.tables WHERE database = " + database + " AND name = " + SqlLiteral.string(source));
            if (!dependencies.isEmpty() && dependencies.getFirst().getFirst().equals("0")) {
                unfed.add(new View(row.get(0), source, query.group(1)));
            }
        }
        return unfed;
    }

    private record View(String name, String source, String query) { }
}
