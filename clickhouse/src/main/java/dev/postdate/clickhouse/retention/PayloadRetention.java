package dev.postdate.clickhouse.retention;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Mutations;
import dev.postdate.clickhouse.status.StatusSql;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Map;

/**
 * Drops the payloads (addresses, subject, bodies, data) of emails whose final outcome (sent, failed,
 * cancelled, suppressed, expired; in_doubt is not final) is older than a cutoff: one {@code ALTER TABLE emails UPDATE}
 * mutation, which 18.16 supports as current releases do, with an {@code IN} subquery on
 * {@code email_events}. Current servers refuse a mutation with a subquery on replicated and shared
 * tables unless {@code allow_nondeterministic_mutations} is set: it is, on every server that knows the
 * setting (the subquery reads only settled outcomes, which do not change, so the replicas agree). The row, its events and so every status and count stay. Idempotent: a
 * dropped payload is empty and not matched again, and a worker that meets one has nothing to send.
 */
@Singleton
public class PayloadRetention {

    static final String NONDETERMINISTIC_MUTATIONS = "allow_nondeterministic_mutations";

    private final ClickHouseSql sql;
    private volatile boolean allowsNondeterministic;

    public PayloadRetention(ClickHouseSql sql) {
        this.sql = sql;
    }

    /**
     * What one call did.
     *
     * @param waited   an earlier mutation of {@code emails} was still running, so nothing was started
     * @param payloads how many stored rows the started mutation empties (0: none started)
     */
    public record Run(boolean waited, long payloads) {
    }

    /**
     * Starts the mutation for outcomes in {@code [notBefore, cutoff)}; only the outcomes of that window,
     * so that the subquery's set of ids stays as small as one run's share. Counts first and starts
     * nothing when nothing matches (a mutation rewrites parts even then). Does nothing while an earlier
     * mutation of {@code emails} is still running: mutations of a table run one after the other, and
     * piling them up only delays each.
     */
    public Run drop(Instant notBefore, Instant cutoff) {
        if (Mutations.pending(sql, "emails") > 0) {
            return new Run(true, 0);
        }
        // No bound on send_at: an email cancelled long before its send_at has its final outcome already.
        String settled = "payload != '' AND (tenant, id) IN (SELECT tenant, id FROM " + sql.table("email_events")
                + " WHERE state IN (" + StatusSql.finalStates() + ") AND at >= " + dateTime(notBefore)
                + " AND at < " + dateTime(cutoff) + ")";
        long payloads = Long.parseLong(sql.select("SELECT count() FROM " + sql.table("emails") + " WHERE " + settled)
                .getFirst().getFirst());
        if (payloads > 0) {
            sql.execute("ALTER TABLE " + sql.table("emails") + " UPDATE payload = '' WHERE " + settled, mutationSettings());
        }
        return new Run(false, payloads);
    }

    /**
     * 18.16 refuses a setting it does not know, current servers need this one. Asked until the server
     * knows it (an upgrade without a restart of the janitor), then kept.
     */
    Map<String, String> mutationSettings() {
        if (!allowsNondeterministic && sql.knowsSetting(NONDETERMINISTIC_MUTATIONS)) {
            allowsNondeterministic = true;
        }
        return allowsNondeterministic ? Map.of(NONDETERMINISTIC_MUTATIONS, "1") : Map.of();
    }

    private static String dateTime(Instant at) {
        return "toDateTime(" + at.getEpochSecond() + ", 'UTC')";
    }
}
