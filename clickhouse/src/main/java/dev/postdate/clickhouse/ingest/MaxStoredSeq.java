package dev.postdate.clickhouse.ingest;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.core.intake.StoredArrivals;
import jakarta.inject.Singleton;

/**
 * The highest arrival number in ClickHouse, read from the arrival log, whose sort key is seq. Only
 * read when Redis lost the sequence state, so a full read of the seq column is acceptable.
 */
@Singleton
public final class MaxStoredSeq implements StoredArrivals {

    private final ClickHouseSql sql;

    public MaxStoredSeq(ClickHouseSql sql) {
        this.sql = sql;
    }

    @Override
    public long maxStoredSeq() {
        return Long.parseLong(sql.select("SELECT max(seq) FROM " + sql.table("emails_by_seq")).getFirst().getFirst());
    }
}
