package dev.postdate.clickhouse.ranging;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.core.range.EmailKey;
import dev.postdate.core.range.RangeBounds;

import jakarta.inject.Singleton;

import java.util.List;

/**
 * The ranger's questions to ClickHouse. Each reads only key columns, bounded on both sides of its
 * table's sort key.
 */
@Singleton
public final class ReadyEmails {

    private final ClickHouseSql sql;

    public ReadyEmails(ClickHouseSql sql) {
        this.sql = sql;
    }

    /**
     * The first {@code limit} keys of emails with {@code sendAtAfter < send_at <= sendAtUpTo},
     * {@code seq <= seqUpTo} and a key above {@code keyAfter} (none: no such bound), distinct
     * (redelivered copies collapse) and in key order.
     */
    public List<EmailKey> dueKeys(long sendAtAfter, EmailKey keyAfter, long sendAtUpTo, long seqUpTo, int limit) {
        StringBuilder where = new StringBuilder(" WHERE send_at > ").append(RangeSql.dateTime(sendAtAfter))
                .append(" AND send_at <= ").append(RangeSql.dateTime(sendAtUpTo))
                .append(" AND seq <= ").append(seqUpTo);
        if (keyAfter != null) {
            where.append(" AND send_at >= ").append(RangeSql.dateTime(keyAfter.sendAtEpochSecond()))
                    .append(" AND (send_at, seq) > ").append(RangeSql.key(keyAfter));
            // The index ignores the tuple comparison; inside one second a plain seq bound says the same
            // and lets each step of a burst read only what is left of it.
            if (keyAfter.sendAtEpochSecond() == sendAtUpTo) {
                where.append(" AND seq > ").append(keyAfter.seq());
            }
        }
        return keys("SELECT toUInt32(send_at) AS s, seq FROM " + sql.table("emails") + where
                + " GROUP BY s, seq ORDER BY s, seq LIMIT " + limit);
    }

    /**
     * The first {@code limit} keys of emails that arrived with {@code seqAfter < seq <= seqUpTo} but
     * were already due at {@code sendAtUpTo}: the late arrivals, read from the arrival log in seq order.
     */
    public List<EmailKey> lateKeys(long seqAfter, long seqUpTo, long sendAtUpTo, int limit) {
        return keys("SELECT toUInt32(send_at) AS s, seq FROM " + sql.table("emails_by_seq")
                + " WHERE seq > " + seqAfter + " AND seq <= " + seqUpTo
                + " AND send_at <= " + RangeSql.dateTime(sendAtUpTo)
                + " GROUP BY seq, s ORDER BY seq LIMIT " + limit);
    }

    /**
     * About how many emails fall due with {@code sendAtAfter < send_at <= sendAtUpTo}: what the workers
     * will have to send soon. {@code uniq} (an adaptive sample, within a few percent) collapses the
     * redelivered copies without holding every key of a 5M burst in memory as an exact count would.
     */
    public long dueBetween(long sendAtAfter, long sendAtUpTo) {
        return Long.parseLong(sql.select("SELECT uniq(seq) FROM " + sql.table("emails") + " WHERE send_at > "
                + RangeSql.dateTime(sendAtAfter) + " AND send_at <= " + RangeSql.dateTime(sendAtUpTo)).getFirst().getFirst());
    }

    /** Distinct emails inside a range's bounds. */
    public long count(RangeBounds bounds) {
        return Long.parseLong(sql.select("SELECT uniqExact(seq) FROM " + sql.table("emails")
                + " WHERE " + RangeSql.where(bounds)).getFirst().getFirst());
    }

    /** RowBinary: a step reads up to a million keys, which as text rows would cost several times their size. */
    private List<EmailKey> keys(String query) {
        return sql.selectRows(query, row -> new EmailKey(row.uint32(), row.uint64()));
    }
}
