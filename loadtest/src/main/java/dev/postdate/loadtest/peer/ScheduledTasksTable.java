package dev.postdate.loadtest.peer;

import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

import javax.sql.DataSource;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * db-scheduler's one table, {@code scheduled_tasks}, as its documentation defines it for PostgreSQL
 * (db-scheduler/src/test/resources/postgresql_tables.sql, the columns 16.x reads and writes). The
 * benchmark fills it directly, bypassing db-scheduler's one-insert-per-task client: the load is
 * set-up, not what is measured.
 */
final class ScheduledTasksTable {

    private static final List<String> SCHEMA = List.of("""
            create table if not exists scheduled_tasks (
              task_name text not null,
              task_instance text not null,
              task_data bytea,
              execution_time timestamp with time zone not null,
              picked boolean not null,
              picked_by text,
              last_success timestamp with time zone,
              last_failure timestamp with time zone,
              consecutive_failures int,
              last_heartbeat timestamp with time zone,
              version bigint not null,
              priority smallint,
              primary key (task_name, task_instance)
            )""",
            "create index if not exists execution_time_idx on scheduled_tasks (execution_time)",
            "create index if not exists last_heartbeat_idx on scheduled_tasks (last_heartbeat)",
            "create index if not exists priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc)");

    private final DataSource dataSource;

    ScheduledTasksTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates the table and its indexes if missing, then empties it. */
    void createEmpty() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String ddl : SCHEMA) {
                statement.execute(ddl);
            }
            statement.execute("truncate scheduled_tasks");
        }
    }

    /**
     * Inserts {@code count} unpicked executions of {@code taskName}, instances "0" to "count - 1",
     * all due at {@code dueAt}, as db-scheduler itself would store them (no data, version 1, no
     * priority), in one COPY.
     */
    void insertDue(String taskName, long count, Instant dueAt) throws SQLException, IOException {
        String due = dueAt.toString();
        try (Connection connection = dataSource.getConnection()) {
            PGConnection postgres = connection.unwrap(PGConnection.class);
            try (Writer rows = new BufferedWriter(new OutputStreamWriter(new PGCopyOutputStream(postgres,
                    "copy scheduled_tasks (task_name, task_instance, execution_time, picked, version) from stdin"),
                    StandardCharsets.UTF_8), 1 << 16)) {
                for (long i = 0; i < count; i++) {
                    rows.append(taskName).append('\t').append(Long.toString(i)).append('\t')
                            .append(due).append("\tf\t1\n");
                }
            }
        }
    }

    /**
     * Brings the freshly copied table to the state of a settled one before the measured run: visibility
     * map and statistics up to date (VACUUM ANALYZE), inserted pages on disk (CHECKPOINT), so the
     * scheduler pays for neither.
     */
    void settle() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("vacuum analyze scheduled_tasks");
            statement.execute("checkpoint");
        }
    }

    long remaining(String taskName) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "select count(*) from scheduled_tasks where task_name = ?")) {
            count.setString(1, taskName);
            try (ResultSet result = count.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    String serverVersion() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("show server_version")) {
            result.next();
            return result.getString(1);
        }
    }
}
