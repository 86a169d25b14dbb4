package dev.postdate.clickhouse.synthetic;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.migrations.Migrator;

/**
 * Generates benchmark emails inside ClickHouse (INSERT ... SELECT FROM numbers), so that loading
 * ten million rows costs no network transfer and no client memory. Never used by a component.
 */
public final class SyntheticEmails {

    private final ClickHouseSql sql;

    public SyntheticEmails(ClickHouseSql sql) {
        this.sql = sql;
    }

    public long count() {
        return Long.parseLong(sql.select("SELECT count() FROM " + sql.table("emails")).getFirst().getFirst());
    }

    /**
     * Recreates the database with {@code count} emails, seq 1..count in arrival order, due times
     * spread evenly (in a scrambled order) over {@code spanSeconds} from {@code firstSendAt}.
     */
    public void generate(long count, long firstSendAt, long spanSeconds) {
        sql.execute("DROP DATABASE IF EXISTS " + sql.database());
        new Migrator(sql).migrate();
        // 2654435761 is Knuth's multiplicative hash constant: it scatters due times across arrivals.
        sql.execute("INSERT INTO " + sql.table("emails")
                + " (send_at, seq, id, tenant, batch_id, accepted_at, payload)"
                + " SELECT toDateTime(" + firstSendAt + " + ((number * 2654435761) % " + count + ") * "
                + spanSeconds + " / " + count + ", 'UTC'), number + 1, toString(number + 1), 'bench', 'bench',"
                + " toDateTime(" + firstSendAt + ", 'UTC'), '{}' FROM system.numbers LIMIT " + count);
    }

    /** Adds {@code count} emails, all due at {@code epochSecond}, arriving after every email so far. */
    public void addBurst(long count, long epochSecond) {
        long seqAfter = Long.parseLong(sql.select("SELECT max(seq) FROM " + sql.table("emails")).getFirst().getFirst());
        sql.execute("INSERT INTO " + sql.table("emails")
                + " (send_at, seq, id, tenant, batch_id, accepted_at, payload)"
                + " SELECT toDateTime(" + epochSecond + ", 'UTC'), number + " + (seqAfter + 1) + ", toString(number + "
                + (seqAfter + 1) + "), 'bench', 'bench', toDateTime(" + epochSecond + ", 'UTC'), '{}'"
                + " FROM system.numbers LIMIT " + count);
    }

    /** Emails due at or before {@code epochSecond}: the seed's "find the ready ones" query. */
    public long countDue(long epochSecond) {
        return Long.parseLong(sql.select("SELECT count() FROM " + sql.table("emails")
                + " WHERE send_at <= toDateTime(" + epochSecond + ", 'UTC')").getFirst().getFirst());
    }
}
