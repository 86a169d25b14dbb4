package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.command.CommandResponse;
import com.clickhouse.client.api.command.CommandSettings;
import com.clickhouse.client.api.query.QueryResponse;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The only way Postdate code talks SQL to ClickHouse. Reads use {@code FORMAT TabSeparated} written
 * in the statement because 18.16 ignores the format header, and parse the stream themselves because
 * the client's record readers misbehave on 18.16 (see the stack notes). A statement built as {@link Sql}
 * sends its values as query parameters where the server takes them, and inlines them on 18.16.
 */
public final class ClickHouseSql {

    /** Characters of literal values one query's IN list takes at most (see {@link #selectIn}). */
    private static final int MAX_LIST_CHARS = 100_000;

    /**
     * Characters of values a query sends as parameters at most; longer ones (a long IN list) are
     * inlined in the body instead. Parameters travel in the URL, and a proxy in front of the server
     * may refuse a request line over 8 KiB (nginx's default), which percent-encoding can make of fewer
     * characters than that.
     */
    private static final int MAX_BOUND_CHARS = 2_000;

    /** How long a statement keeps being retried while another quorum insert into its table is pending. */
    private static final Duration QUORUM_WAIT = Duration.ofSeconds(30);

    /** Bound of one {@link #insert} where no configuration gives one (tests, tools); the components' default too. */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(60);

    private final Client client;
    private final String database;
    private final String cluster;
    private final Duration writeTimeout;
    /** Whether the server takes query parameters; null until asked (see {@link #takesParameters}). */
    private volatile Boolean parametersTaken;

    /** On one server. */
    public ClickHouseSql(Client client, String database) {
        this(client, database, "");
    }

    /** @param cluster the cluster DDL runs {@code ON}, empty for one server */
    public ClickHouseSql(Client client, String database, String cluster) {
        this(client, database, cluster, DEFAULT_WRITE_TIMEOUT);
    }

    /**
     * @param writeTimeout bound of each {@link #insert}: it fails, aborted, when that has passed; under
     *                     an hour, which migration V025 counts on when it copies the last hour of events
     *                     again for the inserts that were under way while it ran
     */
    public ClickHouseSql(Client client, String database, String cluster, Duration writeTimeout) {
        if (writeTimeout.isNegative() || writeTimeout.isZero() || writeTimeout.compareTo(Duration.ofHours(1)) >= 0) {
            throw new IllegalArgumentException("postdate.clickhouse.write-timeout must be positive and under an hour, got "
                    + writeTimeout);
        }
        this.client = client;
        this.database = database;
        this.cluster = cluster;
        this.writeTimeout = writeTimeout;
    }

    public String database() {
        return database;
    }

    /** The cluster whose replicas hold the schema; empty on one server. */
    public String cluster() {
        return cluster;
    }

    /** The clause that makes a DDL statement run on every replica: {@code " ON CLUSTER name"}, or empty. */
    public String onCluster() {
        return cluster.isEmpty() ? "" : " ON CLUSTER " + cluster;
    }

    /** A table name qualified with Postdate's database. */
    public String table(String name) {
        return database + "." + name;
    }

    public void execute(String sql) {
        run(sql, () -> client.execute(sql));
    }

    /** A statement with server settings of its own, for what a setting must allow on some servers. */
    public void execute(String sql, Map<String, String> serverSettings) {
        CommandSettings settings = new CommandSettings();
        serverSettings.forEach(settings::serverSetting);
        run(sql, () -> client.execute(sql, settings));
    }

    /**
     * A statement with values (a mutation's condition, an {@code INSERT ... SELECT}), sent as query
     * parameters where the server takes them and inlined on 18.16, as {@link #select(Sql)} does.
     */
    public void execute(Sql sql) {
        Sql.Bound bound = bindable(sql);
        if (bound == null) {
            execute(sql.inline());
        } else {
            run(bound.text(), () -> client.execute(bound.text(), bound.parameters()));
        }
    }

    /**
     * Inserts rows in RowBinary into {@code table} (qualified, see {@link #table}): the values never
     * become SQL text on any server. Fails, the request aborted, after the write timeout.
     */
    public <T> void insert(String table, List<String> columns, Collection<T> rows, RowBinaryInsert.RowEncoder<T> encoder) {
        RowBinaryInsert.insert(client, table, columns, List.copyOf(rows), encoder, writeTimeout);
    }

    private void run(String sql, Supplier<CompletableFuture<CommandResponse>> call) {
        QuorumRetry.run(() -> {
            try (var ignored = call.get().get()) {
                // The response carries nothing Postdate needs; closing it releases the connection.
            } catch (Exception e) {
                throw failure(sql, e);
            }
        }, QUORUM_WAIT);
    }

    /** Whether the server knows the setting: how a feature of newer releases is detected, not by version number. */
    public boolean knowsSetting(String name) {
        return !select("SELECT 1 FROM system.settings WHERE name = " + SqlLiteral.string(name)).isEmpty();
    }

    /** Runs a SELECT and returns its rows, each as its column values (TabSeparated, unescaped). */
    public List<List<String>> select(String sql) {
        return query(sql, Map.of(), "TabSeparated", ClickHouseSql::tabSeparatedRows);
    }

    /** {@link #select(String)} of a statement with values, sent as query parameters where the server takes them. */
    public List<List<String>> select(Sql sql) {
        return query(sql, "TabSeparated", ClickHouseSql::tabSeparatedRows);
    }

    private static List<List<String>> tabSeparatedRows(InputStream body) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        List<List<String>> rows = new ArrayList<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            rows.add(TabSeparated.parseLine(line));
        }
        return rows;
    }

    /** Decodes one row of a RowBinary result, in the order of the SELECT's columns. */
    @FunctionalInterface
    public interface RowDecoder<T> {
        T read(RowBinaryReader row) throws IOException;
    }

    /**
     * Runs a SELECT whose result comes as RowBinary: for bulk reads of stored text, which then needs
     * no escaping by the server and no unescaping here.
     */
    public <T> List<T> selectRows(String sql, RowDecoder<T> decoder) {
        return query(sql, Map.of(), "RowBinary", body -> rowBinaryRows(body, decoder));
    }

    /** {@link #selectRows(String, RowDecoder)} of a statement with values. */
    public <T> List<T> selectRows(Sql sql, RowDecoder<T> decoder) {
        return query(sql, "RowBinary", body -> rowBinaryRows(body, decoder));
    }

    private static <T> List<T> rowBinaryRows(InputStream body, RowDecoder<T> decoder) throws IOException {
        RowBinaryReader reader = new RowBinaryReader(new BufferedInputStream(body, 1 << 16));
        List<T> rows = new ArrayList<>();
        while (!reader.atEnd()) {
            rows.add(decoder.read(reader));
        }
        return rows;
    }

    private interface BodyReader<T> {
        T read(InputStream body) throws IOException;
    }

    private <T> T query(Sql sql, String format, BodyReader<T> reader) {
        Sql.Bound bound = bindable(sql);
        return bound == null ? query(sql.inline(), Map.of(), format, reader)
                : query(bound.text(), bound.parameters(), format, reader);
    }

    /** The statement with its values as parameters, or null where they go inlined (see {@link #MAX_BOUND_CHARS}). */
    private Sql.Bound bindable(Sql sql) {
        if (!takesParameters()) {
            return null;
        }
        Sql.Bound bound = sql.bind();
        return length(bound.parameters().values()) <= MAX_BOUND_CHARS ? bound : null;
    }

    private static int length(Collection<?> values) {
        int length = 0;
        for (Object value : values) {
            length += value instanceof Collection<?> list ? length(list) + 4 * list.size() : value.toString().length();
        }
        return length;
    }

    private <T> T query(String sql, Map<String, Object> parameters, String format, BodyReader<T> reader) {
        String statement = sql + "\nFORMAT " + format;
        try (QueryResponse response = (parameters.isEmpty() ? client.query(statement)
                : client.query(statement, parameters)).get()) {
            return reader.read(response.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw failure(sql, e);
        }
    }

    /**
     * Whether the server takes query parameters ({@code {name:Type}} in the text, {@code param_name}
     * beside it): current servers do; 18.16 does not, and refuses {@code param_probe} as an unknown
     * setting. Asked once, by trying; a failure the server did not answer (a transport failure) is not
     * taken for an answer. Any answer but success leaves the values inlined, which every server takes.
     */
    public boolean takesParameters() {
        Boolean known = parametersTaken;
        if (known == null) {
            try {
                query("SELECT {probe:UInt8}", Map.of("probe", "1"), "TabSeparated", ClickHouseSql::tabSeparatedRows);
                known = true;
            } catch (ClickHouseException e) {
                if (e.code() == 0) {
                    throw e;
                }
                known = false;
            }
            parametersTaken = known;
        }
        return known;
    }

    private static ClickHouseException failure(String sql, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return ClickHouseException.of(sql, e);
    }

    /**
     * The rows of {@code head + tuples + tail}, asked in as many queries as it takes to keep each list
     * of tuples under {@link #MAX_LIST_CHARS}: thousands of values as one literal list would pass
     * ClickHouse's max_query_size (256 KiB by default), which applies to a SELECT's whole text.
     */
    public List<List<String>> selectIn(String head, Collection<String> tuples, String tail) {
        List<List<String>> rows = new ArrayList<>();
        StringBuilder list = new StringBuilder();
        for (String tuple : tuples) {
            if (!list.isEmpty() && list.length() + tuple.length() > MAX_LIST_CHARS) {
                rows.addAll(select(head + list + tail));
                list.setLength(0);
            }
            list.append(list.isEmpty() ? "" : ", ").append(tuple);
        }
        if (!list.isEmpty()) {
            rows.addAll(select(head + list + tail));
        }
        return rows;
    }
}
