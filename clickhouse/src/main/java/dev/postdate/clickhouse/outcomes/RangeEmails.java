package dev.postdate.clickhouse.outcomes;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ranging.RangeSql;
import dev.postdate.core.range.RangeBounds;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Reads the emails of one range with exactly the predicate the ranger counted them with
 * ({@link RangeSql#where}). {@code LIMIT 1 BY seq} collapses the copies a redelivered intake message
 * wrote under the same key (supported since 2017, so on 18.16 too). RowBinary, so that the payloads
 * come as stored, unescaped.
 */
@Singleton
public class RangeEmails {

    private final ClickHouseSql sql;

    public RangeEmails(ClickHouseSql sql) {
        this.sql = sql;
    }

    /** The distinct emails inside the bounds, one row per seq, in key order. */
    public List<RangeEmail> fetch(RangeBounds bounds) {
        return sql.selectRows("SELECT id, tenant, batch_id, toUInt32(send_at) AS s, seq, payload FROM "
                        + sql.table("emails") + " WHERE " + RangeSql.where(bounds) + " ORDER BY s, seq LIMIT 1 BY seq",
                row -> new RangeEmail(row.string(), row.string(), row.string(), row.uint32(), row.uint64(), row.bytes()));
    }
}
