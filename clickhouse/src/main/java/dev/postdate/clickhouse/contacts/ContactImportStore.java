package dev.postdate.clickhouse.contacts;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Contact imports' states ({@code contact_imports}, V021): each write appends one, the highest version
 * is the import's state, and the highest that ends a part is where its next part starts.
 */
@Singleton
public class ContactImportStore {

    private static final String COLUMNS = "import_id, version, format, state, parts, lines_read, rows_read, imported, failed, errors,"
            + " columns, created_ms, updated_ms";

    private final ClickHouseSql sql;
    private final JsonMapper json;

    public ContactImportStore(ClickHouseSql sql, JsonMapper json) {
        this.sql = sql;
        this.json = json;
    }

    public void save(String tenant, ContactImport state) {
        List<String> columns = new ArrayList<>(List.of("tenant"));
        columns.addAll(List.of(COLUMNS.split(", ")));
        sql.insert(sql.table("contact_imports"), columns, List.of(state), (out, s) -> {
            out.string(tenant);
            out.string(s.id());
            out.uint64(s.version());
            out.string(s.format());
            out.string(s.state());
            out.uint32(s.parts());
            out.uint64(s.lines());
            out.uint64(s.rows());
            out.uint64(s.imported());
            out.uint64(s.failed());
            out.string(errorsJson(s.errors()));
            out.string(s.columns());
            out.uint64(s.created().toEpochMilli());
            out.uint64(s.updated().toEpochMilli());
        });
    }

    /** The import's latest state: its progress within a part, if one is under way. */
    public Optional<ContactImport> find(String tenant, String id) {
        return read(of(tenant, id).sql(" ORDER BY version DESC LIMIT 1")).stream().findFirst();
    }

    /** The state at the end of the import's last processed part. */
    public Optional<ContactImport> lastPartEnd(String tenant, String id) {
        return read(of(tenant, id).sql(" AND state != ").value(ContactImport.IMPORTING)
                .sql(" ORDER BY version DESC LIMIT 1")).stream().findFirst();
    }

    /** The tenant's imports in their latest states, newest first. */
    public List<ContactImport> list(String tenant, int limit) {
        return sql.select(Sql.of("SELECT * FROM (SELECT " + COLUMNS + " FROM " + sql.table("contact_imports") + " WHERE tenant = ")
                        .value(tenant).sql(" ORDER BY import_id, version DESC LIMIT 1 BY import_id)"
                        + " ORDER BY created_ms DESC, import_id LIMIT " + limit))
                .stream().map(this::decode).toList();
    }

    private List<ContactImport> read(Sql where) {
        return sql.select(Sql.of("SELECT " + COLUMNS + " FROM " + sql.table("contact_imports") + " WHERE ").sql(where))
                .stream().map(this::decode).toList();
    }

    private ContactImport decode(List<String> row) {
        return new ContactImport(row.get(0), row.get(2), row.get(3), Integer.parseInt(row.get(4)),
                Long.parseLong(row.get(5)), Long.parseLong(row.get(6)), Long.parseLong(row.get(7)),
                Long.parseLong(row.get(8)), errors(row.get(9)), row.get(10),
                Instant.ofEpochMilli(Long.parseLong(row.get(11))), Instant.ofEpochMilli(Long.parseLong(row.get(12))),
                Long.parseUnsignedLong(row.get(1)));
    }

    private static Sql of(String tenant, String id) {
        return Sql.of("tenant = ").value(tenant).sql(" AND import_id = ").value(id);
    }

    private String errorsJson(List<RowError> errors) {
        List<JsonNode> nodes = errors.stream().map(e -> JsonNode.createObjectNode(Map.of(
                "line", JsonNode.createNumberNode(e.line()), "field", JsonNode.createStringNode(e.field()),
                "reason", JsonNode.createStringNode(e.reason())))).toList();
        try {
            return json.writeValueAsString(JsonNode.createArrayNode(nodes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<RowError> errors(String text) {
        List<RowError> errors = new ArrayList<>();
        try {
            for (JsonNode e : json.readValue(text, JsonNode.class).values()) {
                errors.add(new RowError(e.get("line").getLongValue(), e.get("field").getStringValue(),
                        e.get("reason").getStringValue()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return errors;
    }
}
