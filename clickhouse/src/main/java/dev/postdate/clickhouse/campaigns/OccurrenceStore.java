package dev.postdate.clickhouse.campaigns;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
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
        sql.insert(sql.table("campaign_occurrences"), List.of(COLUMNS.split(", ")), List.of(o), (out, occurrence) -> {
            out.string(occurrence.tenant());
            out.string(occurrence.campaignId());
            out.uint32(occurrence.number());
            out.uint64(occurrence.version());
            out.string(occurrence.state().wireName());
            out.int64(occurrence.planned().toEpochMilli());
            out.uint32(occurrence.audienceVersion());
            out.string(occurrence.checkpoint());
            out.uint64(occurrence.expanded());
            out.uint64(occurrence.passedSkipped());
            out.string(occurrence.reason());
            out.uint64(occurrence.startedAt().toEpochMilli());
            out.uint64(occurrence.updatedAt().toEpochMilli());
            out.string(paced(occurrence.paced()));
        });
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
