package dev.postdate.clickhouse.campaigns;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.campaign.CampaignState;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Campaigns' states ({@code campaigns}, V022): each write appends one, the highest version is current,
 * except that a cancel is final: once any row says cancelled, the campaign is cancelled, whatever a
 * concurrent write (a resume racing the cancel) appended after it. Writes are not compare-and-set:
 * of two other concurrent changes (pause and resume) the higher version wins.
 */
@Singleton
public class CampaignStore {

    private static final String COLUMNS = "tenant, campaign_id, version, state, spec, created_ms, updated_ms";
    /** The row a read takes first: a cancel, else the highest version. */
    private static final String CANCEL_FIRST = "(state = " + SqlLiteral.string(CampaignState.CANCELLED.wireName())
            + ") DESC, version DESC";

    private final ClickHouseSql sql;
    private final JsonMapper json;

    public CampaignStore(ClickHouseSql sql, JsonMapper json) {
        this.sql = sql;
        this.json = json;
    }

    public void save(Campaign c) {
        sql.insert(sql.table("campaigns"), List.of(COLUMNS.split(", ")), List.of(c), (out, campaign) -> {
            out.string(campaign.tenant());
            out.string(campaign.id());
            out.uint64(campaign.version());
            out.string(campaign.state().wireName());
            out.string(write(campaign.spec()));
            out.uint64(campaign.createdAt().toEpochMilli());
            out.uint64(campaign.updatedAt().toEpochMilli());
        });
    }

    public Optional<Campaign> find(String tenant, String id) {
        return read(Sql.of("tenant = ").value(tenant).sql(" AND campaign_id = ").value(id), 1)
                .stream().findFirst();
    }

    /** The tenant's campaigns in their current states, newest first. */
    public List<Campaign> list(String tenant, int limit) {
        return read(Sql.of("tenant = ").value(tenant), limit);
    }

    /** Every tenant's campaigns whose current state is {@code state}: what the expander works on. */
    public List<Campaign> inState(CampaignState state) {
        return sql.select("SELECT * FROM (SELECT " + COLUMNS + " FROM " + sql.table("campaigns")
                        + " ORDER BY tenant, campaign_id, " + CANCEL_FIRST + " LIMIT 1 BY tenant, campaign_id) WHERE state = "
                        + SqlLiteral.string(state.wireName()))
                .stream().map(this::decode).toList();
    }

    private List<Campaign> read(Sql where, int limit) {
        return sql.select(Sql.of("SELECT * FROM (SELECT " + COLUMNS + " FROM " + sql.table("campaigns") + " WHERE ").sql(where)
                        .sql(" ORDER BY campaign_id, " + CANCEL_FIRST + " LIMIT 1 BY campaign_id) ORDER BY created_ms DESC, campaign_id LIMIT "
                                + limit))
                .stream().map(this::decode).toList();
    }

    private Campaign decode(List<String> row) {
        return new Campaign(row.get(0), row.get(1), Long.parseUnsignedLong(row.get(2)),
                CampaignState.of(row.get(3)).orElseThrow(), read(row.get(4)),
                Instant.ofEpochMilli(Long.parseLong(row.get(5))), Instant.ofEpochMilli(Long.parseLong(row.get(6))));
    }

    private String write(CampaignSpec spec) {
        try {
            return json.writeValueAsString(spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CampaignSpec read(String spec) {
        try {
            return json.readValue(spec, CampaignSpec.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
