package dev.postdate.clickhouse.retention;

import dev.postdate.clickhouse.ClickHouseSettings;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ServerVersion;
import dev.postdate.clickhouse.SqlLiteral;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops the monthly partitions of {@code send_marks} whose every send time lies before a cutoff. A
 * mark matters only until its email's outcome is recorded, which its range's passes do within the
 * ranges queue's retention (at most 14 days); the cutoff is chosen far beyond that. Dropping a
 * partition is one metadata operation, idempotent, safe on any number of janitors.
 * <p>
 * Except with quorum inserts on a server before {@link #DROP_CLEARS_QUORUM}: there DROP PARTITION
 * leaves the partition's last quorum-written part in ZooKeeper, and from then on every sequentially
 * consistent read of the table, the workers' included, fails ("Replica doesn't have part ... which
 * was successfully written to quorum", code 289; ClickHouse issue #9946). Such servers keep the marks.
 */
@Singleton
public class SendMarkRetention {

    /** The releases after ClickHouse pull request #10188 (April 2020), whose DROP PARTITION clears that entry. */
    public static final ServerVersion DROP_CLEARS_QUORUM = new ServerVersion(20, 5);

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM").withZone(ZoneOffset.UTC);

    private final ClickHouseSql sql;
    private final ClickHouseSettings settings;

    public SendMarkRetention(ClickHouseSql sql, ClickHouseSettings settings) {
        this.sql = sql;
        this.settings = settings;
    }

    /** What a run did: the partitions (yyyyMM of send_at) dropped, or that this server must keep them. */
    public record Run(List<String> dropped, boolean keptOnThisServer) {
    }

    /** Drops the months wholly before {@code cutoff}, where the server allows it. */
    public Run drop(Instant cutoff) {
        if (settings.insertQuorum() > 0 && !ServerVersion.of(sql).atLeast(DROP_CLEARS_QUORUM)) {
            return new Run(List.of(), true);
        }
        long cutoffMonth = Long.parseLong(MONTH.format(cutoff));
        List<String> dropped = new ArrayList<>();
        for (List<String> row : sql.select("SELECT DISTINCT partition FROM system.parts WHERE active AND database = "
                + SqlLiteral.string(sql.database()) + " AND table = 'send_marks' ORDER BY partition")) {
            String partition = row.getFirst();
            if (Long.parseLong(partition) < cutoffMonth) {
                sql.execute("ALTER TABLE " + sql.table("send_marks") + " DROP PARTITION " + partition);
                dropped.add(partition);
            }
        }
        return new Run(dropped, false);
    }
}
