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
                .append(" AND seq > ").append(bounds.seqAfter())
                .append(" AND seq <= ").append(bounds.seqUpTo());
        if (bounds.keyAfter() != null) {
            sql.append(" AND (send_at, seq) > ").append(key(bounds.keyAfter()));
        }
        if (bounds.keyUpTo() != null) {
            sql.append(" AND (send_at, seq) <= ").append(key(bounds.keyUpTo()));
        }
        return sql.toString();
    }

    static String dateTime(long epochSecond) {
        return "toDateTime(" + epochSecond + ", 'UTC')";
    }

    private static String key(EmailKey key) {
        return "(" + dateTime(key.sendAtEpochSecond()) + ", toUInt64(" + key.seq() + "))";
    }
}
