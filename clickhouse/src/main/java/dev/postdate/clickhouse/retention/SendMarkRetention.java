package dev.postdate.clickhouse.retention;

import dev.postdate.clickhouse.ClickHouseSql;
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
 */
@Singleton
public class SendMarkRetention {

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM").withZone(ZoneOffset.UTC);

    private final ClickHouseSql sql;

    public SendMarkRetention(ClickHouseSql sql) {
        this.sql = sql;
    }

    /** Returns the partitions (yyyyMM of send_at) dropped: those of months wholly before {@code cutoff}. */
    public List<String> drop(Instant cutoff) {
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
        return dropped;
    }
}
