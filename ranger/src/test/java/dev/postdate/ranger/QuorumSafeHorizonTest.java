package dev.postdate.ranger;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseClientFactory;
import dev.postdate.clickhouse.ClickHouseException;
import dev.postdate.clickhouse.ClickHouseSettings;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.cluster.PendingQuorumInserts;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * On the local cluster: an insert that gave up waiting for its quorum is invisible, yet appears once the
 * other replica fetches it; until then the horizon the ranger uses does not move past what the
 * consumers' horizon said before.
 */
class QuorumSafeHorizonTest {

    /**
     * The quorum timeout of the one insert meant to give up waiting; the migration and the other
     * insert keep the configured one, so a slow cluster cannot make them give up too.
     */
    private static final Duration QUORUM_TIMEOUT = Duration.ofSeconds(2);

    private TestEnvironment env;
    private ApplicationContext context;
    private ClickHouseSql sql;
    private Client otherReplica;
    private ClickHouseSql onOtherReplica;
    private Client impatient;
    private ClickHouseSql impatientInserts;

    @BeforeEach
    void start() {
        env = TestEnvironment.create(QuorumSafeHorizonTest.class);
        assumeFalse(env.services().clickhouseOtherReplicaUrl().isEmpty(), "needs the local cluster");
        Map<String, Object> properties = new HashMap<>(env.properties());
        properties.put("postdate.ranger.enabled", "false");
        // The fixture migrates below; concurrent starts are MigratorTest's subject.
        properties.put("postdate.clickhouse.migrate-on-start", "false");
        context = ApplicationContext.run(properties);
        sql = context.getBean(ClickHouseSql.class);
        new Migrator(sql).migrate();
        ClickHouseSettings settings = context.getBean(ClickHouseSettings.class);
        otherReplica = ClickHouseClientFactory.newClient(settings.withUrl(env.services().clickhouseOtherReplicaUrl()));
        onOtherReplica = new ClickHouseSql(otherReplica, settings.database(), settings.cluster());
        impatient = ClickHouseClientFactory.newClient(new ClickHouseSettings(settings.url(), settings.user(),
                settings.password(), settings.database(), false, settings.cluster(), settings.insertQuorum(),
                QUORUM_TIMEOUT, settings.managedReplication(), settings.keepAlive()));
        impatientInserts = new ClickHouseSql(impatient, settings.database(), settings.cluster());
    }

    @AfterEach
    void stop() throws Exception {
        if (otherReplica != null) {
            onOtherReplica.execute("SYSTEM START FETCHES " + sql.table("emails"));
            otherReplica.close();
        }
        if (impatient != null) {
            impatient.close();
        }
        if (context != null) {
            context.close();
        }
        env.close();
    }

    @Test
    void theHorizonHoldsWhileAnInsertWaitsForItsQuorum() throws InterruptedException {
        PendingQuorumInserts pending = context.getBean(PendingQuorumInserts.class);
        AtomicLong consumers = new AtomicLong(10);
        QuorumSafeHorizon horizon = new QuorumSafeHorizon(consumers::get, pending);
        insert(sql, 1);
        assertEquals(10, horizon.current());

        onOtherReplica.execute("SYSTEM STOP FETCHES " + sql.table("emails"));
        ClickHouseException timedOut = assertThrows(ClickHouseException.class, () -> insert(impatientInserts, 20));
        assertTrue(pending.intoEmails(), "quorum still pending after " + timedOut.getMessage());
        assertEquals("0", count(20), "invisible to reads that ask for the quorum");
        consumers.set(30);
        assertEquals(10, horizon.current(), "held: seq 20 may still appear");

        onOtherReplica.execute("SYSTEM START FETCHES " + sql.table("emails"));
        Instant deadline = Instant.now().plusSeconds(60);
        while (pending.intoEmails()) {
            assertTrue(Instant.now().isBefore(deadline), "the other replica never fetched the part");
            Thread.sleep(200);
        }
        assertEquals("1", count(20), "the insert that failed at its quorum timeout appeared after all");
        assertEquals(30, horizon.current());
        assertFalse(pending.intoEmails());
    }

    private void insert(ClickHouseSql through, long seq) {
        through.execute("INSERT INTO " + sql.table("emails") + " (send_at, seq, id, tenant, batch_id, accepted_at, payload)"
                + " VALUES (toDateTime(1800000000, 'UTC'), " + seq + ", 'e" + seq + "', 't', '', now(), '{}')");
    }

    private String count(long seq) {
        return sql.select("SELECT count() FROM " + sql.table("emails") + " WHERE seq = " + seq).getFirst().getFirst();
    }
}
