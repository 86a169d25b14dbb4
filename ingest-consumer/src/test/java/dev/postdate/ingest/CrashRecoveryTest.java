package dev.postdate.ingest;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ingest.EmailRowsInsert;
import dev.postdate.clickhouse.ingest.StoredEmailIds;
import dev.postdate.clickhouse.migrations.SchemaOnStart;
import dev.postdate.core.intake.ArrivalHorizon;
import dev.postdate.core.intake.ArrivalSettings;
import dev.postdate.core.intake.IntakeKeys;
import dev.postdate.core.intake.SeqReseed;
import dev.postdate.core.intake.StoredArrivals;
import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.intake.PacketClaim;
import dev.postdate.core.intake.SeqBlock;
import dev.postdate.core.intake.SeqLedger;
import dev.postdate.core.testing.MutableClock;
import dev.postdate.core.testing.TestEnvironment;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import static dev.postdate.ingest.IngestTestSupport.await;
import static dev.postdate.ingest.IngestTestSupport.messagesLeft;
import static dev.postdate.ingest.IngestTestSupport.packet;
import static dev.postdate.ingest.IngestTestSupport.rawRows;
import static dev.postdate.ingest.IngestTestSupport.readerCounts;
import static dev.postdate.ingest.IngestTestSupport.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer that died somewhere in a batch, played by the real pieces (a context that does not
 * consume), then a real consumer that receives the same message again.
 */
class CrashRecoveryTest {

    private TestEnvironment env;
    private ApplicationContext pieces;
    private ClickHouseSql sql;
    private final String tenant = "tenant-" + UUID.randomUUID();

    @BeforeEach
    void start() throws InterruptedException {
        env = TestEnvironment.create(getClass());
        pieces = ApplicationContext.run(IngestTestSupport.properties(env, false));
        assertTrue(pieces.getBean(SchemaOnStart.class).awaitCurrent(IngestTestSupport.DEADLINE), "schema migrated");
        sql = pieces.getBean(ClickHouseSql.class);
    }

    @AfterEach
    void stop() throws Exception {
        pieces.close();
        env.close();
    }

    @Test
    void diedAfterTheInsertBeforeMarkingWithinTheLease() throws Exception {
        IntakePacket packet = packet(tenant, 8);
        assertThrows(Crash.class, () -> ingesterDyingOnComplete(Clock.systemUTC()).ingest(List.of(packet)));
        assertEquals(8, rawRows(sql, tenant), "the dead consumer's insert committed");

        redeliverToARealConsumer(packet);

        assertEquals(List.of(8L, 8L), readerCounts(sql, tenant));
        // On a cluster too: a replicated table that dropped the block as a duplicate would have dropped
        // its views' rows with it (ClickHouseClientFactory, insert_deduplicate).
        assertEquals(16, rawRows(sql, tenant), "the retry rewrote byte-identical keys, which readers collapse");
        assertNoBlockLeftInFlight();
    }

    @Test
    void diedAfterTheInsertAndTheLeaseLapsedBeforeRedelivery() throws Exception {
        IntakePacket packet = packet(tenant, 8);
        Clock longAgo = Clock.offset(Clock.systemUTC(), settings().lease().multipliedBy(-2));
        assertThrows(Crash.class, () -> ingesterDyingOnComplete(longAgo).ingest(List.of(packet)));

        redeliverToARealConsumer(packet);

        assertEquals(List.of(8L, 8L), readerCounts(sql, tenant));
        assertEquals(8, rawRows(sql, tenant), "found stored under the lapsed block: marked, not inserted again");
        assertNoBlockLeftInFlight();
    }

    @Test
    void diedBeforeTheInsertAndTheLeaseLapsedSoTheRetryTakesANewBlock() throws Exception {
        IntakePacket packet = packet(tenant, 8);
        MutableClock clock = new MutableClock(Instant.now());
        SeqLedger ledger = ledger(clock);
        SeqBlock abandoned = ledger.claim(List.of(packet), clock.instant().plus(settings().lease()))
                .getFirst().current();
        ArrivalHorizon horizon = new ArrivalHorizon(pieces.getBean(redisType()), pieces.getBean(IntakeKeys.class),
                reseed(clock), clock);
        assertEquals(abandoned.start() - 1, horizon.current(), "held while the lease lives");
        clock.advance(settings().lease());
        assertTrue(horizon.current() >= abandoned.end(), "the ranger may now pass the abandoned block");

        BatchIngester.Outcome outcome = ingester(ledger, clock).ingest(List.of(packet));

        assertEquals(8, outcome.emailsInserted());
        long lowestSeq = Long.parseLong(sql.select("SELECT min(seq) FROM " + sql.table("emails")).getFirst().getFirst());
        assertTrue(lowestSeq > abandoned.end(), "rows must lie above a block the ranger may have passed");
        assertEquals(List.of(8L, 8L), readerCounts(sql, tenant));
        assertEquals(PacketClaim.Status.INGESTED,
                ledger.claim(List.of(packet), clock.instant().plus(settings().lease())).getFirst().status());
    }

    private void redeliverToARealConsumer(IntakePacket packet) throws Exception {
        try (EmbeddedServer consumer = ApplicationContext.run(EmbeddedServer.class, IngestTestSupport.properties(env, true))) {
            send(env, consumer.getApplicationContext(), packet);
            await("the redelivered message deleted", () -> messagesLeft(env, env.intakeQueue()) == 0);
        }
    }

    private void assertNoBlockLeftInFlight() {
        assertEquals(0, pieces.getBean(SeqLedger.class).inFlightCount());
    }

    private BatchIngester ingesterDyingOnComplete(Clock clock) {
        SeqLedger dying = new SeqLedger(pieces.getBean(redisType()), pieces.getBean(IntakeKeys.class),
                reseed(clock), clock, settings().packetMemory()) {
            @Override
            public void complete(Collection<String> packetIds, Collection<SeqBlock> blocks) {
                throw new Crash();
            }
        };
        return ingester(dying, clock);
    }

    private BatchIngester ingester(SeqLedger ledger, Clock clock) {
        return new BatchIngester(ledger, pieces.getBean(StoredEmailIds.class), pieces.getBean(EmailRowsInsert.class),
                clock, settings());
    }

    private SeqLedger ledger(Clock clock) {
        return new SeqLedger(pieces.getBean(redisType()), pieces.getBean(IntakeKeys.class), reseed(clock), clock,
                settings().packetMemory());
    }

    private SeqReseed reseed(Clock clock) {
        return new SeqReseed(pieces.getBean(redisType()), pieces.getBean(IntakeKeys.class),
                pieces.getBean(StoredArrivals.class), pieces.getBean(ArrivalSettings.class), clock);
    }

    private IngestSettings settings() {
        return pieces.getBean(IngestSettings.class);
    }

    @SuppressWarnings("unchecked")
    private static Argument<StatefulRedisConnection<String, String>> redisType() {
        return (Argument<StatefulRedisConnection<String, String>>) (Argument<?>)
                Argument.of(StatefulRedisConnection.class, String.class, String.class);
    }

    /** The process dying at that point. */
    private static final class Crash extends RuntimeException {
    }
}
