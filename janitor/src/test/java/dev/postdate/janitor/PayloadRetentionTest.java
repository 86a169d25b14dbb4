package dev.postdate.janitor;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Mutations;
import dev.postdate.clickhouse.SqlLiteral;
import dev.postdate.clickhouse.migrations.SchemaOnStart;
import dev.postdate.core.testing.Await;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The janitor against the real ClickHouse: which payloads retention drops and which it keeps. */
class PayloadRetentionTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String TENANT = "acme";

    @Test
    void payloadsGoOnlyOnceTheFinalOutcomeIsOlderThanTheRetention() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(getClass())) {
            env.assumeMutationsFinish();
            Map<String, Object> properties = new HashMap<>(env.properties());
            properties.put("postdate.retention.payload-after", "30d");
            properties.put("postdate.retention.interval", "200ms");
            try (ApplicationContext context = ApplicationContext.run(properties)) {
                assertTrue(context.getBean(SchemaOnStart.class).awaitCurrent(DEADLINE), "schema");
                ClickHouseSql sql = context.getBean(ClickHouseSql.class);
                Instant now = Instant.now();
                // Past the retention, within the lookback (3d) before the cutoff.
                Instant old = now.minus(Duration.ofDays(31));
                email(sql, "sent-long-ago", old, 1);
                event(sql, "sent-long-ago", "queued", old);
                event(sql, "sent-long-ago", "sent", old.plusSeconds(1));
                email(sql, "sent-yesterday", now.minus(Duration.ofDays(1)), 2);
                event(sql, "sent-yesterday", "sent", now.minus(Duration.ofDays(1)));
                email(sql, "never-settled", old, 3);
                event(sql, "never-settled", "queued", old);
                email(sql, "in-doubt-long-ago", old, 4);
                event(sql, "in-doubt-long-ago", "in_doubt", old);
                // Cancelled long ago for a send_at still ahead: final already.
                email(sql, "cancelled-long-ago", now.plus(Duration.ofDays(300)), 5);
                event(sql, "cancelled-long-ago", "cancelled", old);
                // Another tenant's email under the same id is not this one's outcome.
                sql.execute("INSERT INTO " + sql.table("emails") + " (send_at, seq, id, tenant, batch_id, accepted_at, payload)"
                        + " VALUES (" + dateTime(old) + ", 6, 'never-settled', 'globex', '', " + dateTime(old) + ", '{\"to\":1}')");
                event(sql, "never-settled", "sent", old, "globex");

                assertTrue(Await.until(DEADLINE, () -> payload(sql, "sent-long-ago").isEmpty()
                        && payload(sql, "cancelled-long-ago").isEmpty() && Mutations.pending(sql, "emails") == 0), "dropped");
                assertEquals(payloadOf("sent-yesterday"), payload(sql, "sent-yesterday"), "retention not reached yet");
                assertEquals(payloadOf("never-settled"), payload(sql, "never-settled"), "no final outcome");
                assertEquals(payloadOf("in-doubt-long-ago"), payload(sql, "in-doubt-long-ago"), "in_doubt is not final");
                assertEquals(List.of(List.of("cancelled"), List.of("queued"), List.of("sent")), sql.select("SELECT DISTINCT state FROM "
                        + sql.table("email_events") + " WHERE id IN ('sent-long-ago', 'cancelled-long-ago') ORDER BY state"),
                        "statuses stay");
                assertEquals("5", sql.select("SELECT count() FROM " + sql.table("emails_by_id") + " WHERE tenant = 'acme'")
                        .getFirst().getFirst(), "the emails stay, and so their counts");
            }
        }
    }

    private static void email(ClickHouseSql sql, String id, Instant sendAt, int seq) {
        sql.execute("INSERT INTO " + sql.table("emails") + " (send_at, seq, id, tenant, batch_id, accepted_at, payload) VALUES ("
                + dateTime(sendAt) + ", " + seq + ", " + SqlLiteral.string(id) + ", " + SqlLiteral.string(TENANT) + ", '', "
                + dateTime(sendAt) + ", " + SqlLiteral.string(payloadOf(id)) + ")");
    }

    private static void event(ClickHouseSql sql, String id, String state, Instant at) {
        event(sql, id, state, at, TENANT);
    }

    private static void event(ClickHouseSql sql, String id, String state, Instant at, String tenant) {
        sql.execute("INSERT INTO " + sql.table("email_events") + " (tenant, id, batch_id, state, at, detail) VALUES ("
                + SqlLiteral.string(tenant) + ", " + SqlLiteral.string(id) + ", '', " + SqlLiteral.string(state) + ", "
                + dateTime(at) + ", '')");
    }

    private static String payloadOf(String id) {
        return "{\"to\":{\"email\":\"" + id + "@example.com\"},\"subject\":\"for " + id + "\"}";
    }

    private static String payload(ClickHouseSql sql, String id) {
        return sql.select("SELECT any(payload) FROM " + sql.table("emails") + " WHERE tenant = 'acme' AND id = "
                + SqlLiteral.string(id)).getFirst().getFirst();
    }

    private static String dateTime(Instant at) {
        return "toDateTime(" + at.getEpochSecond() + ", 'UTC')";
    }
}
