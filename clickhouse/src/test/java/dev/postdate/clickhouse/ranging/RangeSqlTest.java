package dev.postdate.clickhouse.ranging;

import dev.postdate.core.range.EmailKey;
import dev.postdate.core.range.RangeBounds;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RangeSqlTest {

    private static final long T = 1_796_000_000L;

    @Test
    void aRangeInsideOneSecondAlsoBoundsSeqByItsKeys() {
        RangeBounds bounds = new RangeBounds(T - 1, T, 0, 9_000, new EmailKey(T, 100), new EmailKey(T, 5_100));
        assertEquals("send_at > toDateTime(1795999999, 'UTC') AND send_at <= toDateTime(1796000000, 'UTC')"
                + " AND seq > 100 AND seq <= 5100"
                + " AND (send_at, seq) > (toDateTime(1796000000, 'UTC'), toUInt64(100))"
                + " AND (send_at, seq) <= (toDateTime(1796000000, 'UTC'), toUInt64(5100))", RangeSql.where(bounds));
    }

    @Test
    void aKeyAfterInAnEarlierSecondLeavesTheLowerSeqBound() {
        assertSeqBounds("seq > 0 AND seq <= 5100",
                new RangeBounds(T - 1, T, 0, 9_000, new EmailKey(T - 30, 100), new EmailKey(T, 5_100)));
    }

    @Test
    void aRangeOverSeveralSecondsKeepsItsSeqBounds() {
        assertSeqBounds("seq > 0 AND seq <= 9000",
                new RangeBounds(T - 1, T + 5, 0, 9_000, new EmailKey(T, 100), new EmailKey(T + 5, 5_100)));
    }

    @Test
    void aTighterSeqBoundOfTheRangeWins() {
        assertSeqBounds("seq > 200 AND seq <= 4000",
                new RangeBounds(T - 1, T, 200, 4_000, new EmailKey(T, 100), new EmailKey(T, 5_100)));
    }

    /** The seq part of the clause; the key bounds themselves are always written as given. */
    private static void assertSeqBounds(String expected, RangeBounds bounds) {
        String where = RangeSql.where(bounds);
        String seq = where.substring(where.indexOf("seq > "), where.indexOf(" AND (send_at, seq)"));
        assertEquals(expected, seq, where);
    }
}
