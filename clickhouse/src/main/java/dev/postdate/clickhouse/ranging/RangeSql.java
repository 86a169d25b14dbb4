package dev.postdate.clickhouse.ranging;

import dev.postdate.core.range.EmailKey;
import dev.postdate.core.range.RangeBounds;

/**
 * Renders a range's bounds as a WHERE clause on the emails table. Ranger and worker use the same
 * text, so what the ranger counted is what the worker reads.
 */
public final class RangeSql {

    private RangeSql() {
    }

    public static String where(RangeBounds bounds) {
        StringBuilder sql = new StringBuilder()
                .append("send_at > ").append(dateTime(bounds.sendAtAfter()))
                .append(" AND send_at <= ").append(dateTime(bounds.sendAtUpTo()))
                .append(" AND seq > ").append(seqAfter(bounds))
                .append(" AND seq <= ").append(seqUpTo(bounds));
        if (bounds.keyAfter() != null) {
            sql.append(" AND (send_at, seq) > ").append(key(bounds.keyAfter()));
        }
        if (bounds.keyUpTo() != null) {
            sql.append(" AND (send_at, seq) <= ").append(key(bounds.keyUpTo()));
        }
        return sql.toString();
    }

    /*
     * ClickHouse's index does not use the tuple comparisons of the key bounds: for a range inside one
     * second it would read every granule of that second, which in a burst of a million emails due at
     * once is the whole burst for each of its 200 ranges. Inside one second the key bounds are plain
     * seq bounds, which the index does use; the tuple comparisons stay, so the predicate is unchanged.
     */
    private static long seqAfter(RangeBounds bounds) {
        EmailKey key = bounds.keyAfter();
        return key != null && isOnlySecond(bounds, key) ? Math.max(bounds.seqAfter(), key.seq()) : bounds.seqAfter();
    }

    private static long seqUpTo(RangeBounds bounds) {
        EmailKey key = bounds.keyUpTo();
        return key != null && isOnlySecond(bounds, key) ? Math.min(bounds.seqUpTo(), key.seq()) : bounds.seqUpTo();
    }

    private static boolean isOnlySecond(RangeBounds bounds, EmailKey key) {
        return bounds.sendAtAfter() + 1 == bounds.sendAtUpTo() && key.sendAtEpochSecond() == bounds.sendAtUpTo();
    }

    static String dateTime(long epochSecond) {
        return "toDateTime(" + epochSecond + ", 'UTC')";
    }

    static String key(EmailKey key) {
        return "(" + dateTime(key.sendAtEpochSecond()) + ", toUInt64(" + key.seq() + "))";
    }
}
