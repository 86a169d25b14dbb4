package dev.postdate.clickhouse.senders;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sender identities in ClickHouse ({@code sender_identities}, a ReplacingMergeTree by version): adding
 * or removing writes a newer version of the (tenant, identity) row, and reads take the newest version
 * per key, so they are correct before and after merges. Identities are normalized by
 * {@link SenderIdentities#normalize} before they get here.
 */
@Singleton
public class SenderIdentityStore {

    private final ClickHouseSql sql;
    private final Clock clock;

    public SenderIdentityStore(ClickHouseSql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    /** Adds (or re-adds) an identity; adding one that is already active changes nothing a reader sees. */
    public void add(String tenant, String identity) {
        write(tenant, identity, false);
    }

    /** @return false when the tenant has no such active identity */
    public boolean remove(String tenant, String identity) {
        if (!list(tenant).contains(identity)) {
            return false;
        }
        write(tenant, identity, true);
        return true;
    }

    /** The tenant's active identities, sorted. */
    public List<String> list(String tenant) {
        return sql.select(Sql.of("SELECT identity FROM (" + newestVersions() + ") WHERE tenant = ").value(tenant)
                .sql(" AND last_removed = 0 ORDER BY identity")).stream().map(row -> row.getFirst()).toList();
    }

    /** Every active identity by tenant. */
    public Map<String, Set<String>> activeByTenant() {
        Map<String, Set<String>> identities = new HashMap<>();
        sql.select("SELECT tenant, identity FROM (" + newestVersions() + ") WHERE last_removed = 0")
                .forEach(row -> identities.computeIfAbsent(row.get(0), t -> new HashSet<>()).add(row.get(1)));
        return identities;
    }

    /**
     * The version is the clock's millisecond, but above every earlier version of the row: an add and a
     * remove in the same millisecond (or after a clock step back) still order as they were made.
     */
    private void write(String tenant, String identity, boolean removed) {
        long now = clock.millis();
        long newest = Long.parseLong(sql.select(Sql.of("SELECT max(version) FROM " + sql.table("sender_identities")
                + " WHERE tenant = ").value(tenant).sql(" AND identity = ").value(identity)).getFirst().getFirst());
        long version = Math.max(now, newest + 1);
        sql.insert(sql.table("sender_identities"), List.of("tenant", "identity", "removed", "at", "version"),
                List.of(identity), (out, name) -> {
                    out.string(tenant);
                    out.string(name);
                    out.uint8(removed ? 1 : 0);
                    out.dateTime(Instant.ofEpochMilli(now));
                    out.uint64(version);
                });
    }

    /** The alias differs from the column name: ClickHouse would otherwise substitute it into argMax. */
    private String newestVersions() {
        return "SELECT tenant, identity, argMax(removed, version) AS last_removed FROM "
                + sql.table("sender_identities") + " GROUP BY tenant, identity";
    }
}
