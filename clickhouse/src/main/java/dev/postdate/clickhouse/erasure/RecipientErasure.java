package dev.postdate.clickhouse.erasure;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.status.StatusSql;
import jakarta.inject.Singleton;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Erases what a tenant stored about one recipient: the payloads of the tenant's emails to the address
 * (they hold the address, names, subject, bodies and data) become empty, event details that mention
 * the address (a provider's rejection may quote it) too, and the feedback recorded for it and the
 * link examples it clicked go. All are mutations, which ClickHouse applies in the background, on
 * 18.16 as on current releases; statuses, counts and ids stay.
 * Addresses compare case-insensitively: an erasure errs on the side of erasing.
 */
@Singleton
public class RecipientErasure {

    /**
     * An email to the address that still has its payload.
     *
     * @param seq     its arrival sequence, with {@code sendAt} its key (an outcome row carries it)
     * @param settled whether it has a final outcome (sent, failed, cancelled, suppressed, expired) already
     */
    public record EmailTo(String id, String batchId, Instant sendAt, long seq, boolean settled) {
    }

    private final ClickHouseSql sql;

    public RecipientErasure(ClickHouseSql sql) {
        this.sql = sql;
    }

    /** The tenant's emails to the address whose payload is not erased yet. */
    public List<EmailTo> emailsTo(String tenant, String address) {
        return sql.select(Sql.of("SELECT id, any(batch_id), toUnixTimestamp(any(send_at)), any(seq), id IN (SELECT id FROM "
                        + sql.table("email_events") + " WHERE tenant = ").value(tenant)
                        .sql(" AND state IN (" + StatusSql.finalStates() + ")) FROM " + sql.table("emails") + " WHERE ")
                        .sql(toAddress(tenant, address)).sql(" GROUP BY id ORDER BY id")).stream()
                .map(row -> new EmailTo(row.get(0), row.get(1), Instant.ofEpochSecond(Long.parseLong(row.get(2))),
                        Long.parseLong(row.get(3)), row.get(4).equals("1")))
                .toList();
    }

    /**
     * Starts the mutations that erase the address from the tenant's emails and events; only those that
     * have something to erase, since a mutation rewrites the table's parts even when nothing matches.
     *
     * @param emailsFound whether {@link #emailsTo} found any
     */
    public void erase(String tenant, String address, boolean emailsFound) {
        if (emailsFound) {
            sql.execute(Sql.of("ALTER TABLE " + sql.table("emails") + " UPDATE payload = '' WHERE ").sql(toAddress(tenant, address)));
        }
        Sql mentions = Sql.of("tenant = ").value(tenant).sql(" AND positionCaseInsensitive(detail, ").value(address).sql(") > 0");
        mutateWhereFound("email_events", "UPDATE detail = ''", mentions);
        String recipient = Suppression.entryOf(address).orElse(address.toLowerCase(Locale.ROOT));
        // A link's example destination is the one a recipient clicked, personalized perhaps: it goes when
        // that recipient is erased, or when it names the address (as text or URL-encoded, an anonymous
        // click's too). The stats keep the link's counts.
        Sql links = Sql.of("tenant = ").value(tenant).sql(" AND (tupleElement(example, 2) = cityHash64(").value(recipient)
                .sql(") OR positionCaseInsensitive(tupleElement(example, 1), ").value(address)
                .sql(") > 0 OR positionCaseInsensitive(tupleElement(example, 1), ")
                .value(URLEncoder.encode(address, StandardCharsets.UTF_8)).sql(") > 0)");
        mutateWhereFound("feedback_links", "DELETE", links);
        // The provider's feedback names the recipient in its key, which a mutation cannot update: the
        // rows go. The stats keep their share, counted in feedback_by_batch by hashed ids alone.
        mutateWhereFound("feedback_events", "DELETE", Sql.of("tenant = ").value(tenant).sql(" AND recipient = ").value(recipient));
    }

    private void mutateWhereFound(String table, String mutation, Sql where) {
        if (!sql.select(Sql.of("SELECT 1 FROM " + sql.table(table) + " WHERE ").sql(where).sql(" LIMIT 1")).isEmpty()) {
            sql.execute(Sql.of("ALTER TABLE " + sql.table(table) + " " + mutation + " WHERE ").sql(where));
        }
    }

    /** The audit row: who erased which address (as its SHA-256) when, and how many emails it touched. */
    public void audit(String erasureId, String tenant, String address, Instant at, String keyId, int emails, int cancelled) {
        sql.insert(sql.table("erasures"), List.of("erasure_id", "tenant", "address_sha256", "requested_at", "key_id",
                "emails", "cancelled"), List.of(at), (out, requested) -> {
            out.string(erasureId);
            out.string(tenant);
            out.string(addressHash(address));
            out.dateTime(requested);
            out.string(keyId);
            out.uint64(emails);
            out.uint64(cancelled);
        });
    }

    /** Lower-case hex SHA-256 of the lower-cased address: what the audit table keeps instead of it. */
    public static String addressHash(String address) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(address.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The tenant's stored emails to the address. The payload is the content's JSON with {@code to}
     * first; visitParam reads the first {@code "to":} key, which a string value cannot fake (its quotes
     * are escaped), and unescapes the address.
     */
    private static Sql toAddress(String tenant, String address) {
        return Sql.of("tenant = ").value(tenant).sql(" AND payload != ''"
                + " AND lower(visitParamExtractString(visitParamExtractRaw(payload, 'to'), 'email')) = ")
                .value(address.toLowerCase(Locale.ROOT));
    }
}
