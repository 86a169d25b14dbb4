package dev.postdate.clickhouse.recipients;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ClickHouseTestSupport;
import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.clickhouse.contacts.Contact;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.clickhouse.contacts.ContactStore;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import dev.postdate.core.testing.MutableClock;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The send-time check over ranges of few tenants (each asked whether it has rows at all) and of many
 * (more than are asked one by one, so every tenant is looked up): the same answers either way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecipientChecksTest {

    private static final Instant NOW = Instant.parse("2030-03-01T08:00:00Z");

    private TestEnvironment env;
    private Client client;
    private ClickHouseSql sql;
    private ContactStore contacts;
    private SuppressionStore suppressions;
    private RecipientChecks checks;

    @BeforeAll
    void migrate() {
        env = TestEnvironment.create(RecipientChecksTest.class);
        client = ClickHouseTestSupport.clientFor(env);
        sql = new ClickHouseSql(client, env.database(), env.services().clickhouseCluster());
        new Migrator(sql).migrate();
        MutableClock clock = new MutableClock(NOW);
        contacts = new ContactStore(client, sql, JsonMapper.createDefault(), clock, Duration.ofSeconds(60));
        suppressions = new SuppressionStore(sql, clock);
        checks = new RecipientChecks(sql);
    }

    @AfterAll
    void drop() throws Exception {
        client.close();
        env.close();
    }

    /**
     * By the tenant's number modulo 4: 0 keeps neither contacts nor suppressions, 1 only suppressions,
     * 2 only contacts, 3 both, so that neither table's lookup can stand in for the other's. A tenant
     * with suppressions suppresses one address; one with contacts has an unsubscribed contact and a
     * contact who consented to "news" only if the tenant's number is odd. Tenant 1 also suppresses the
     * domain of its "domain" recipient.
     */
    @ParameterizedTest(name = "{0} tenants")
    @ValueSource(ints = {5, 40})
    void eachRecipientIsBlockedForItsOwnTenantsReasonOnly(int tenantCount) {
        String run = "n" + tenantCount + "-";
        List<Recipient> recipients = new ArrayList<>();
        Map<Recipient, String> expected = new HashMap<>();
        Instant past = NOW.minusSeconds(3600);
        for (int i = 0; i < tenantCount; i++) {
            String tenant = run + i;
            Recipient clean = Recipient.of(tenant, "clean@example.com", null);
            Recipient suppressed = Recipient.of(tenant, "gone@example.com", null);
            Recipient unsubscribed = Recipient.of(tenant, "unsub@example.com", null);
            Recipient topic = Recipient.of(tenant, "reader@example.com", "news");
            Recipient domain = Recipient.of(tenant, "anyone@blocked.example", null);
            recipients.addAll(List.of(clean, suppressed, unsubscribed, topic, domain));
            boolean suppresses = i % 4 == 1 || i % 4 == 3;
            boolean hasContacts = i % 4 >= 2;
            if (suppresses) {
                suppressions.add(tenant, List.of(new Suppression("gone@example.com", "hard_bounce", "test", past, null)));
                expected.put(suppressed, "address suppressed (hard_bounce)");
            }
            if (i == 1) {
                suppressions.add(tenant, List.of(new Suppression("blocked.example", "", "test", past, null)));
                expected.put(domain, "domain suppressed");
            }
            if (hasContacts) {
                contacts.upsert(tenant, List.of(
                        new Contact("u", "unsub@example.com", null, null, null, ContactStatus.UNSUBSCRIBED, Map.of(), Map.of(), 1),
                        new Contact("r", "reader@example.com", null, null, null, ContactStatus.ACTIVE, Map.of(),
                                Map.of("news", new Consent(i % 2 == 1, past, "test")), 1)));
                expected.put(unsubscribed, "contact u is unsubscribed");
                if (i % 2 == 0) {
                    expected.put(topic, "contact r has not consented to topic news");
                }
            } else {
                expected.put(topic, "no contact with this address has consented to topic news");
            }
        }
        assertEquals(expected, checks.blocked(recipients, NOW));
    }
}
