package dev.postdate.loadtest.demo;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.clickhouse.status.StatusSql;
import dev.postdate.core.state.EmailStatus;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What ClickHouse knows about one tenant's emails: stored, and the state each one reached. */
final class TenantLedger {

    private static final EmailStatus[] STATES = EmailStatus.values();

    private final ClickHouseSql sql;
    private final String tenantIs;

    TenantLedger(ClickHouseSql sql, String tenant) {
        this.sql = sql;
        this.tenantIs = " WHERE tenant = " + SqlLiteral.string(tenant);
    }

    /** Rows stored for the tenant: cheap, and exact once ClickHouse merged away redelivered copies. */
    long storedRows() {
        return Long.parseLong(sql.select("SELECT count() FROM " + sql.table("emails_by_id") + tenantIs).getFirst().getFirst());
    }

    /** Events per state, without grouping by email: cheap enough to poll every second during a run. */
    EventCounts eventCounts() {
        Map<EmailStatus, Long> counts = new EnumMap<>(EmailStatus.class);
        for (List<String> row : sql.select("SELECT state, count() FROM " + sql.table("email_events") + tenantIs + " GROUP BY state")) {
            counts.put(EmailStatus.fromWireName(row.get(0)), Long.parseLong(row.get(1)));
        }
        return new EventCounts(counts);
    }

    /** Emails whose latest state is an outcome (in doubt, cancelled, failed or sent). */
    long emailsWithOutcome() {
        return Long.parseLong(sql.select("SELECT count() FROM (" + latestStates() + ") WHERE p >= "
                + EmailStatus.IN_DOUBT.ordinal()).getFirst().getFirst());
    }

    /** The state of every email that has an event, by id. */
    Map<String, EmailStatus> states() {
        Map<String, EmailStatus> states = new HashMap<>();
        for (List<String> row : sql.select(latestStates())) {
            states.put(row.get(0), STATES[Integer.parseInt(row.get(1))]);
        }
        return states;
    }

    /**
     * Lateness of sent emails at the 50th and 99th percentile: Postdate's own (first {@code sent} event
     * minus the later of {@code send_at} and acceptance: an email accepted after its time could not go
     * out before it arrived) and from {@code send_at} alone (what a recipient sees, the client's intake
     * pace included). And the sending rate of the scheduled burst: emails due at or after
     * {@code burstFrom} that were sent, over the time from {@code burstFrom} to the last of them sent.
     * Emails sent as soon as accepted go out while intake is still running, so they would stretch
     * a first-to-last window with time that measures the client, not the sending.
     */
    Delivery delivery(Instant burstFrom) {
        String sent = "SELECT toInt64(at_ms) - toInt64(greatest(toUInt32(send_at), toUInt32(accepted_at))) * 1000 AS late,"
                + " toInt64(at_ms) - toInt64(toUInt32(send_at)) * 1000 AS late_from_due, at_ms, send_at FROM ("
                + "SELECT id, min(at_ms) AS at_ms FROM " + sql.table("email_events") + tenantIs + " AND state = 'sent' GROUP BY id)"
                + " AS sent_emails ANY INNER JOIN (SELECT id, any(send_at) AS send_at, any(accepted_at) AS accepted_at FROM "
                + sql.table("emails_by_id") + tenantIs + " GROUP BY id) AS due USING id";
        List<String> row = sql.select("SELECT count(), quantileExact(0.5)(late), quantileExact(0.99)(late),"
                + " countIf(toUInt32(send_at) >= " + burstFrom.getEpochSecond() + "),"
                + " maxIf(at_ms, toUInt32(send_at) >= " + burstFrom.getEpochSecond() + "),"
                + " quantileExact(0.5)(late_from_due), quantileExact(0.99)(late_from_due) FROM (" + sent + ")").getFirst();
        if (Long.parseLong(row.get(0)) == 0) {
            return new Delivery(0, 0, 0, 0, 0, 0, 0);
        }
        long burst = Long.parseLong(row.get(3));
        long millis = Math.max(1, Long.parseLong(row.get(4)) - burstFrom.toEpochMilli());
        return new Delivery(Long.parseLong(row.get(1)), Long.parseLong(row.get(2)), Long.parseLong(row.get(5)),
                Long.parseLong(row.get(6)), burst, burst == 0 ? 0 : burst / (millis / 1000.0), burst == 0 ? 0 : millis);
    }

    private String latestStates() {
        return "SELECT id, max(" + StatusSql.precedence("state") + ") AS p FROM " + sql.table("email_events") + tenantIs
                + " GROUP BY id";
    }

    record EventCounts(Map<EmailStatus, Long> byState) {
        long count(EmailStatus state) {
            return byState.getOrDefault(state, 0L);
        }

        long queued() {
            return count(EmailStatus.QUEUED);
        }

        long sent() {
            return count(EmailStatus.SENT);
        }

        long failed() {
            return count(EmailStatus.FAILED);
        }

        long cancelled() {
            return count(EmailStatus.CANCELLED);
        }

        long inDoubt() {
            return count(EmailStatus.IN_DOUBT);
        }

        long outcomes() {
            return sent() + failed() + cancelled() + inDoubt();
        }
    }

    /** Lateness from the later of send_at and acceptance, and from send_at alone; the burst's pace. */
    /** @param burstMillis from {@code burstFrom} to the last of the burst's emails sent */
    record Delivery(long latenessP50Ms, long latenessP99Ms, long fromDueP50Ms, long fromDueP99Ms, long burstSent,
                    double burstEmailsPerSecond, long burstMillis) {
    }
}
