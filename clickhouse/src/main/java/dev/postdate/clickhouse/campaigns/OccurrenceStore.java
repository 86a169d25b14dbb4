package dev.postdate.clickhouse.campaigns;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.clickhouse.SqlLiteral;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Occurrences' expansion states ({@code campaign_occurrences}, V022): appended, the highest version current. */
@Singleton
public class OccurrenceStore {

    private static final String COLUMNS = "tenant, campaign_id, occurrence, version, state, planned_ms, audience_version,"
            + " checkpoint, expanded, passed_skipped, reason, started_ms, updated_ms, paced";

    private final ClickHouseSql sql;

    public OccurrenceStore(ClickHouseSql sql) {
        this.sql = sql;
    }

    public void save(StoredOccurrence o) {
        sql.execute("INSERT INTO " + sql.table("campaign_occurrences") + " (" + COLUMNS + ") VALUES (" + String.join(", ",
                SqlLiteral.string(o.tenant()), SqlLiteral.string(o.campaignId()), Integer.toString(o.number()),
                Long.toUnsignedString(o.version()), SqlLiteral.string(o.state().wireName()),
                Long.toString(o.planned().toEpochMilli()), Integer.toString(o.audienceVersion()),
                SqlLiteral.string(o.checkpoint()), Long.toString(o.expanded()), Long.toString(o.passedSkipped()),
                SqlLiteral.string(o.reason()), Long.toString(o.startedAt().toEpochMilli()),
                Long.toString(o.updatedAt().toEpochMilli()), SqlLiteral.string(paced(o.paced()))) + ")");
    }

    /** The campaign's occurrences in their current states, by number. */
    public List<StoredOccurrence> of(String tenant, String campaignId) {
        return read(scope(tenant, campaignId));
    }

    public Optional<StoredOccurrence> find(String tenant, String campaignId, int number) {
        return read(scope(tenant, campaignId).sql(" AND occurrence = " + number)).stream().findFirst();
    }

    private List<StoredOccurrence> read(Sql where) {
        return sql.select(Sql.of("SELECT " + COLUMNS + " FROM " + sql.table("campaign_occurrences") + " WHERE ").sql(where)
                        .sql(" ORDER BY occurrence, version DESC LIMIT 1 BY occurrence"))
                .stream().map(OccurrenceStore::decode).toList();
    }

    private static Sql scope(String tenant, String campaignId) {
        return Sql.of("tenant = ").value(tenant).sql(" AND campaign_id = ").value(campaignId);
    }

    private static StoredOccurrence decode(List<String> row) {
        return new StoredOccurrence(row.get(0), row.get(1), Integer.parseInt(row.get(2)), Long.parseUnsignedLong(row.get(3)),
                StoredOccurrence.State.of(row.get(4)).orElseThrow(), Instant.ofEpochMilli(Long.parseLong(row.get(5))),
                Integer.parseInt(row.get(6)), row.get(7), Long.parseLong(row.get(8)), Long.parseLong(row.get(9)),
                row.get(10), Instant.ofEpochMilli(Long.parseLong(row.get(11))), Instant.ofEpochMilli(Long.parseLong(row.get(12))),
                paced(row.get(13)));
    }

    /** "second:count,second:count" (V023). */
    private static String paced(Map<Long, Long> paced) {
        return paced.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    }

    private static Map<Long, Long> paced(String text) {
        return text.isEmpty() ? Map.of() : Arrays.stream(text.split(",")).map(pair -> pair.split(":"))
                .collect(Collectors.toMap(p -> Long.parseLong(p[0]), p -> Long.parseLong(p[1])));
    }
}
