package dev.postdate.clickhouse.suppressions;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Suppression lists in ClickHouse ({@code suppressions}, V019). Writes append a version; the newest
 * version of an entry is the entry, so adding one again replaces its reason and expiry.
 */
@Singleton
public class SuppressionStore {

    private final ClickHouseSql sql;
    private final Clock clock;

    public SuppressionStore(ClickHouseSql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    public void add(String tenant, List<Suppression> entries) {
        if (entries.isEmpty()) {
            return;
        }
        long version = clock.millis();
        sql.insert(sql.table("suppressions"), List.of("tenant", "entry", "reason", "source", "created_ms", "expires_ms",
                "removed", "version"), entries, (out, s) -> {
            out.string(tenant);
            out.string(s.entry());
            out.string(s.reason());
            out.string(s.source());
            out.uint64(s.created().toEpochMilli());
            out.uint64(s.expires() == null ? 0 : s.expires().toEpochMilli());
            out.uint8(0);
            out.uint64(version);
        });
    }

    /** False when the tenant has no such entry in force. */
    public boolean remove(String tenant, String entry) {
        Optional<Suppression> current = find(tenant, entry);
        if (current.isEmpty()) {
            return false;
        }
        long version = Math.max(clock.millis(), 1);
        sql.insert(sql.table("suppressions"), List.of("tenant", "entry", "removed", "version"), List.of(entry), (out, e) -> {
            out.string(tenant);
            out.string(e);
            out.uint8(1);
            out.uint64(version);
        });
        return true;
    }

    /** The entry, when it is in force (not removed, not expired). */
    public Optional<Suppression> find(String tenant, String entry) {
        List<Suppression> found = read(tenant, Sql.of(" AND entry = ").value(entry), 1);
        return found.stream().findFirst();
    }

    /** Entries in force, in entry order, after {@code after} (empty: from the start). */
    public List<Suppression> list(String tenant, String after, int limit) {
        return read(tenant, Sql.of(" AND entry > ").value(after), limit);
    }

    /**
     * The entries in force as a subquery of one column, for {@code x IN (...)}: what audiences and the
     * send-time check exclude.
     */
    public Sql activeEntriesSubquery(String tenant, Instant now) {
        return Sql.of("SELECT entry FROM (").sql(newest(tenant)).sql(") WHERE removed = 0 AND (expires_ms = 0 OR expires_ms > "
                + now.toEpochMilli() + ")");
    }

    private List<Suppression> read(String tenant, Sql condition, int limit) {
        return sql.select(Sql.of("SELECT entry, reason, source, created_ms, expires_ms FROM (").sql(newest(tenant))
                        .sql(") WHERE removed = 0 AND (expires_ms = 0 OR expires_ms > " + clock.millis() + ")").sql(condition)
                        .sql(" ORDER BY entry LIMIT " + limit))
                .stream().map(row -> new Suppression(row.get(0), row.get(1), row.get(2),
                        Instant.ofEpochMilli(Long.parseLong(row.get(3))),
                        row.get(4).equals("0") ? null : Instant.ofEpochMilli(Long.parseLong(row.get(4))))).toList();
    }

    private Sql newest(String tenant) {
        return Sql.of("SELECT * FROM " + sql.table("suppressions") + " FINAL WHERE tenant = ").value(tenant);
    }
}
