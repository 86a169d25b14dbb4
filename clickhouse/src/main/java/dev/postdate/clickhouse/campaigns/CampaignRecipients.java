package dev.postdate.clickhouse.campaigns;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.clickhouse.status.StatusSql;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.state.EmailStatus;
import jakarta.inject.Singleton;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An occurrence's ledger ({@code campaign_recipients}, V022): which email each recipient got, and its
 * state. A recipient's current email is the newest attempt (a resend replaces the email it names);
 * its state is that email's, and in a cancelled occurrence an unsent one counts as cancelled, as
 * batch counts do.
 */
@Singleton
public class CampaignRecipients {

    /** One email of the ledger; {@code resendOf} the email it replaced, "" for the occurrence's own. */
    public record Entry(String emailId, String contactId, String resendOf) {
    }

    /** A recipient's current email and its state; {@code detail} says why it failed, was suppressed, ... */
    public record Recipient(String emailId, String contactId, String resendOf, EmailStatus state, String detail) {
    }

    private final ClickHouseSql sql;

    public CampaignRecipients(ClickHouseSql sql) {
        this.sql = sql;
    }

    /** Writes entries once their emails are on the intake queue (again: they fold). */
    public void record(String tenant, String campaignId, int occurrence, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        sql.insert(sql.table("campaign_recipients"), List.of("tenant", "campaign_id", "occurrence", "email_id", "contact_id",
                "resend_of"), entries, (out, e) -> {
            out.string(tenant);
            out.string(campaignId);
            out.uint32(occurrence);
            out.string(e.emailId());
            out.string(e.contactId());
            out.string(e.resendOf());
        });
    }

    /** Up to {@code limit} current recipients in {@code states} (all when empty), by email id after {@code after}. */
    public List<Recipient> page(String tenant, String campaignId, int occurrence, boolean cancelled, Set<EmailStatus> states,
                                String after, int limit) {
        EmailStatus[] all = EmailStatus.values();
        return sql.select(Sql.of("SELECT email_id, contact_id, resend_of, shown, detail FROM (")
                        .sql(current(tenant, campaignId, occurrence, cancelled)).sql(") WHERE email_id > ").value(after)
                        .sql((states.isEmpty() ? "" : " AND shown IN (" + states.stream().map(s -> Integer.toString(s.ordinal()))
                        .collect(Collectors.joining(", ")) + ")") + " ORDER BY email_id LIMIT " + limit))
                .stream().map(row -> new Recipient(row.get(0), row.get(1), row.get(2), all[Integer.parseInt(row.get(3))],
                        row.get(4))).toList();
    }

    /** Current recipients per state. */
    public Map<EmailStatus, Long> counts(String tenant, String campaignId, int occurrence, boolean cancelled) {
        Map<EmailStatus, Long> counts = new EnumMap<>(EmailStatus.class);
        for (EmailStatus state : EmailStatus.values()) {
            counts.put(state, 0L);
        }
        EmailStatus[] all = EmailStatus.values();
        sql.select(Sql.of("SELECT shown, count() FROM (").sql(current(tenant, campaignId, occurrence, cancelled)).sql(") GROUP BY shown"))
                .forEach(row -> counts.put(all[Integer.parseInt(row.get(0))], Long.parseLong(row.get(1))));
        return counts;
    }

    /** The current recipients with their state's precedence ({@code shown}) and detail. */
    private Sql current(String tenant, String campaignId, int occurrence, boolean cancelled) {
        Sql scope = Sql.of(" WHERE tenant = ").value(tenant).sql(" AND campaign_id = ").value(campaignId)
                .sql(" AND occurrence = " + occurrence);
        String precedence = StatusSql.precedence("state");
        String shown = cancelled ? "if(p IN (" + EmailStatus.SCHEDULED.ordinal() + ", " + EmailStatus.QUEUED.ordinal()
                + "), " + EmailStatus.CANCELLED.ordinal() + ", p)" : "p";
        return Sql.of("SELECT email_id, contact_id, resend_of, " + shown + " AS shown, detail FROM ("
                        + "SELECT email_id, any(contact_id) AS contact_id, any(resend_of) AS resend_of FROM "
                        + sql.table("campaign_recipients")).sql(scope).sql(" AND email_id NOT IN (SELECT resend_of FROM "
                        + sql.table("campaign_recipients")).sql(scope).sql(" AND resend_of != '') GROUP BY email_id) AS ledger"
                        + " ANY LEFT JOIN (SELECT id AS email_id, max(" + precedence + ") AS p, argMax(detail, " + precedence
                        + ") AS detail FROM " + sql.table("email_events") + " WHERE tenant = ").value(tenant)
                .sql(" AND batch_id = ").value(CampaignSpec.batchId(campaignId, occurrence))
                .sql(" GROUP BY id) AS states USING email_id");
    }
}
