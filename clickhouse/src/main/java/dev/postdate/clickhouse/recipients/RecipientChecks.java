package dev.postdate.clickhouse.recipients;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.clickhouse.contacts.ContactStatus;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The send-time check (docs/contacts.md): which recipients must not get their email now. A recipient
 * is blocked when the tenant suppresses its address or domain, when a contact with the address is not
 * active, or when the email has a topic and not every contact with the address (at least one) has
 * granted it. Three lookups for any number of recipients (suppressions, contacts_by_email, contacts),
 * each bounded by the tables' keys and split into queries under max_query_size; a table is looked up
 * only for the tenants that have a row in it at all.
 */
@Singleton
public class RecipientChecks {

    /** Tenants asked for one by one (one UNION ALL branch each): bounds that statement's size. */
    private static final int MAX_TENANTS_ASKED = 16;

    private final ClickHouseSql sql;

    public RecipientChecks(ClickHouseSql sql) {
        this.sql = sql;
    }

    /**
     * The blocked recipients among these, each with the reason recorded for it: never the address,
     * but a contact's id, which an import makes the address when the file has no ids.
     */
    public Map<Recipient, String> blocked(Collection<Recipient> recipients, Instant now) {
        Map<Recipient, String> blocked = new HashMap<>();
        if (recipients.isEmpty()) {
            return blocked;
        }
        // Most senders of plain emails keep no contacts or suppressions: a tenant with no row in a table
        // is not looked up in it, which spares ClickHouse lookups of thousands of literals per range.
        Set<String> tenants = recipients.stream().map(Recipient::tenant).collect(Collectors.toSet());
        Map<String, String> suppressed = suppressedEntries(ofTenants(recipients, tenantsWithRows("suppressions", tenants)), now);
        Map<String, List<ContactState>> contacts = contactsByAddress(
                ofTenants(recipients, tenantsWithRows("contacts_by_email", tenants)));
        for (Recipient recipient : recipients) {
            String reason = reason(recipient, suppressed, contacts.getOrDefault(key(recipient.tenant(), recipient.address()),
                    List.of()));
            if (reason != null) {
                blocked.put(recipient, reason);
            }
        }
        return blocked;
    }

    private static String reason(Recipient recipient, Map<String, String> suppressed, List<ContactState> contacts) {
        String byAddress = suppressed.get(key(recipient.tenant(), recipient.address()));
        if (byAddress != null) {
            return "address suppressed" + because(byAddress);
        }
        String byDomain = suppressed.get(key(recipient.tenant(), recipient.domain()));
        if (byDomain != null) {
            return "domain suppressed" + because(byDomain);
        }
        for (ContactState contact : contacts) {
            if (!contact.status().equals(ContactStatus.ACTIVE.wireName())) {
                return "contact " + contact.id() + " is " + contact.status();
            }
        }
        if (recipient.topic() != null) {
            if (contacts.isEmpty()) {
                return "no contact with this address has consented to topic " + recipient.topic();
            }
            for (ContactState contact : contacts) {
                if (!contact.consented().contains(recipient.topic())) {
                    return "contact " + contact.id() + " has not consented to topic " + recipient.topic();
                }
            }
        }
        return null;
    }

    private static String because(String reason) {
        return reason.isEmpty() ? "" : " (" + reason + ")";
    }

    /**
     * Which of these tenants have at least one row in the table: one read per tenant that stops at its
     * first row. Beyond {@link #MAX_TENANTS_ASKED} tenants (a range of many small senders) all are taken
     * to have rows, so the lookups that follow stay as they were.
     */
    private Set<String> tenantsWithRows(String table, Set<String> tenants) {
        if (tenants.size() > MAX_TENANTS_ASKED) {
            return tenants;
        }
        List<Sql> perTenant = tenants.stream().map(tenant -> Sql.of("SELECT tenant FROM (SELECT tenant FROM "
                + sql.table(table) + " WHERE tenant = ").value(tenant).sql(" LIMIT 1)")).toList();
        Set<String> found = new HashSet<>();
        for (List<String> row : sql.select(Sql.join(perTenant, " UNION ALL ", "", ""))) {
            found.add(row.get(0));
        }
        return found;
    }

    private static List<Recipient> ofTenants(Collection<Recipient> recipients, Set<String> tenants) {
        return recipients.stream().filter(r -> tenants.contains(r.tenant())).toList();
    }

    /** Entries in force for the recipients' addresses and domains, keyed by tenant and entry, with their reason. */
    private Map<String, String> suppressedEntries(Collection<Recipient> recipients, Instant now) {
        Set<String> tuples = new LinkedHashSet<>();
        for (Recipient r : recipients) {
            tuples.add(tuple(r.tenant(), r.address()));
            tuples.add(tuple(r.tenant(), r.domain()));
        }
        Map<String, String> found = new HashMap<>();
        for (List<String> row : sql.selectIn("SELECT tenant, entry, reason FROM (SELECT tenant, entry,"
                + " argMax(removed, version) AS removed_now, argMax(expires_ms, version) AS expires,"
                + " argMax(reason, version) AS reason FROM " + sql.table("suppressions")
                + " WHERE (tenant, entry) IN (", tuples, ") GROUP BY tenant, entry)"
                + " WHERE removed_now = 0 AND (expires = 0 OR expires > " + now.toEpochMilli() + ")")) {
            found.put(key(row.get(0), row.get(1)), row.get(2));
        }
        return found;
    }

    /** The newest state of every contact that currently has one of the recipients' addresses. */
    private Map<String, List<ContactState>> contactsByAddress(Collection<Recipient> recipients) {
        Set<String> addresses = recipients.stream().map(r -> tuple(r.tenant(), r.address()))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        Set<String> ids = new HashSet<>();
        for (List<String> row : sql.selectIn("SELECT DISTINCT tenant, contact_id FROM " + sql.table("contacts_by_email")
                + " WHERE (tenant, email) IN (", addresses, ")")) {
            ids.add(tuple(row.get(0), row.get(1)));
        }
        Map<String, List<ContactState>> byAddress = new HashMap<>();
        if (ids.isEmpty()) {
            return byAddress;
        }
        for (List<String> row : sql.selectIn("SELECT tenant, contact_id, lower(email), status, arrayStringConcat(consented, ' ') FROM "
                + sql.table("contacts") + " FINAL WHERE (tenant, contact_id) IN (", ids, ") AND deleted = 0")) {
            // Topics never hold a space (Consent.TOPIC), so the list comes back joined by one.
            byAddress.computeIfAbsent(key(row.get(0), row.get(2)), k -> new ArrayList<>())
                    .add(new ContactState(row.get(1), row.get(3), Set.copyOf(Arrays.asList(row.get(4).split(" ")))));
        }
        return byAddress;
    }

    private record ContactState(String id, String status, Set<String> consented) { }

    private static String tuple(String tenant, String value) {
        return "(" + SqlLiteral.string(tenant) + ", " + SqlLiteral.string(value) + ")";
    }

    private static String key(String tenant, String value) {
        return tenant + "\n" + value;
    }
}
