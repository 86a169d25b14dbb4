package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The only way Postdate code talks SQL to ClickHouse. Reads use {@code FORMAT TabSeparated} written
 * in the statement because 18.16 ignores the format header, and parse the stream themselves because
 * the client's record readers misbehave on 18.16 (see the stack notes).
 */
public final class ClickHouseSql {

    private final Client client;
    private final String database;

    public ClickHouseSql(Client client, String database) {
        this.client = client;
        this.database = database;
    }

    public String database() {
        return database;
    }

    /** A table name qualified with Postdate's database. */
    public String table(String name) {
        return database + "." + name;
    }

    public void execute(String sql) {
        try (var ignored = client.execute(sql).get()) {
            // The response carries nothing Postdate needs; closing it releases the connection.
        } catch (Exception e) {
            throw failure(sql, e);
        }
    }

    /** Runs a SELECT and returns its rows, each as its column values (TabSeparated, unescaped). */
    public List<List<String>> select(String sql) {
        return query(sql, "TabSeparated", body -> {
            BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            List<List<String>> rows = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                rows.add(TabSeparated.parseLine(line));
            }
            return rows;
        });
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
        return query(sql, "RowBinary", body -> {
            RowBinaryReader reader = new RowBinaryReader(new BufferedInputStream(body, 1 << 16));
            List<T> rows = new ArrayList<>();
            while (!reader.atEnd()) {
                rows.add(decoder.read(reader));
            }
            return rows;
        });
    }

    private interface BodyReader<T> {
        T read(InputStream body) throws IOException;
    }

    private <T> T query(String sql, String format, BodyReader<T> reader) {
        try (QueryResponse response = client.query(sql + "\nFORMAT " + format).get()) {
            return reader.read(response.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw failure(sql, e);
        }
    }

    private static ClickHouseException failure(String sql, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return ClickHouseException.of(sql, e);
    }
}
