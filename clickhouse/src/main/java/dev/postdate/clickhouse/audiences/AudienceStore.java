package dev.postdate.clickhouse.audiences;

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
import java.util.Optional;

/** Audience versions in ClickHouse ({@code audiences}, V018): written once, never changed. */
@Singleton
public class AudienceStore {

    private final ClickHouseSql sql;
    private final JsonMapper json;

    public AudienceStore(ClickHouseSql sql, JsonMapper json) {
        this.sql = sql;
        this.json = json;
    }

    /** A stored version's rule: it was checked when saved, so a problem now is a bug, not the tenant's. */
    public Rule rule(AudienceVersion version) {
        List<RuleParser.Problem> problems = new ArrayList<>();
        Rule rule;
        try {
            rule = RuleParser.parse(json.readValue(version.rule(), JsonNode.class), "rule", problems);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (rule == null) {
            throw new IllegalStateException("stored rule of audience " + version.id() + " v" + version.version()
                    + " no longer parses: " + problems);
        }
        return rule;
    }

    /** Writes a version whose number the caller reserved; writing the same version twice is harmless. */
    public void insert(AudienceVersion v) {
        sql.insert(sql.table("audiences"), List.of("tenant", "audience_id", "version", "name", "rule", "created_at"),
                List.of(v), (out, a) -> {
                    out.string(a.tenant());
                    out.string(a.id());
                    out.uint32(a.version());
                    out.string(a.name());
                    out.string(a.rule());
                    out.dateTime(a.createdAt());
                });
    }

    public Optional<AudienceVersion> find(String tenant, String id, int version) {
        return first(tenant, id, " AND version = " + version + " LIMIT 1");
    }

    public Optional<AudienceVersion> latest(String tenant, String id) {
        return first(tenant, id, " ORDER BY version DESC LIMIT 1");
    }

    /** The version numbers of an audience, oldest first. */
    public List<Integer> versions(String tenant, String id) {
        return sql.select(Sql.of("SELECT DISTINCT version FROM " + sql.table("audiences") + " WHERE ").sql(of(tenant, id))
                .sql(" ORDER BY version")).stream().map(row -> Integer.parseInt(row.getFirst())).toList();
    }

    /** The highest version stored, 0 for none: the floor of the version counter. */
    public int maxVersion(String tenant, String id) {
        List<List<String>> rows = sql.select(Sql.of("SELECT max(version) FROM " + sql.table("audiences") + " WHERE ")
                .sql(of(tenant, id)));
        return rows.isEmpty() ? 0 : Integer.parseInt(rows.getFirst().getFirst());
    }

    private Optional<AudienceVersion> first(String tenant, String id, String rest) {
        List<List<String>> rows = sql.select(Sql.of("SELECT version, name, rule, toUnixTimestamp(created_at) FROM "
                + sql.table("audiences") + " WHERE ").sql(of(tenant, id)).sql(rest));
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<String> row = rows.getFirst();
        return Optional.of(new AudienceVersion(tenant, id, Integer.parseInt(row.get(0)), row.get(1), row.get(2),
                Instant.ofEpochSecond(Long.parseLong(row.get(3)))));
    }

    private static Sql of(String tenant, String id) {
        return Sql.of("tenant = ").value(tenant).sql(" AND audience_id = ").value(id);
    }
}
