package dev.postdate.core.intake;

import dev.postdate.core.redis.RedisSettings;
import dev.postdate.core.testing.MutableClock;
import dev.postdate.core.testing.RestartableServer;
import dev.postdate.core.testing.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seq ledger and the horizon against a real Redis, with time moved by hand. */
class ArrivalHorizonTest {

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final Duration BARRIER = Duration.ofSeconds(65);
    private static final long JUMP = 1_000_000_000L;

    private static RedisClient client;
    private static StatefulRedisConnection<String, String> redis;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    /** What ClickHouse would answer for the highest stored seq. */
    private final AtomicLong storedMax = new AtomicLong();
    private IntakeKeys keys;
    private SeqLedger ledger;
    private ArrivalHorizon horizon;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(TestServices.current().redisUri());
        redis = client.connect();
    }

    @AfterAll
    static void disconnect() {
        redis.close();
        client.shutdown();
    }

    @BeforeEach
    void freshNamespace() {
        keys = new IntakeKeys(new RedisSettings(TestServices.current().redisUri(),
                "test-horizon-" + UUID.randomUUID() + ":", Duration.ofSeconds(10)));
        useRedis(redis);
    }

    private void useRedis(StatefulRedisConnection<String, String> connection) {
        SeqReseed reseed = new SeqReseed(connection, keys, storedMax::get, new ArrivalSettings(BARRIER, JUMP), clock);
        ledger = new SeqLedger(connection, keys, reseed, clock, Duration.ofMinutes(10));
        horizon = new ArrivalHorizon(connection, keys, reseed, clock);
    }

    @Test
    void nothingArrivedMeansHorizonZero() {
        assertEquals(0, horizon.current());
    }

    @Test
    void blocksInFlightHoldTheHorizonBelowTheLowest() {
        List<PacketClaim> claims = ledger.claim(List.of(packet("a", 3), packet("b", 2)), leaseUntil());
        assertEquals(List.of(new SeqBlock(1, 3)), claims.get(0).blocks());
        assertEquals(List.of(new SeqBlock(4, 2)), claims.get(1).blocks());
        assertEquals(0, horizon.current());

        ledger.complete(List.of("b"), List.of(claims.get(1).current()));
        assertEquals(0, horizon.current(), "a still in flight below b");

        ledger.complete(List.of("a"), List.of(claims.get(0).current()));
        assertEquals(5, horizon.current());
    }

    @Test
    void aCompletedLowerBlockLetsTheHorizonRiseToTheNextInFlight() {
        List<PacketClaim> claims = ledger.claim(List.of(packet("a", 3), packet("b", 2)), leaseUntil());
        ledger.complete(List.of("a"), List.of(claims.get(0).current()));
        assertEquals(3, horizon.current());
    }

    @Test
    void anExpiredLeaseNoLongerHoldsTheHorizon() {
        ledger.claim(List.of(packet("a", 3)), leaseUntil());
        clock.advance(LEASE.minusSeconds(1));
        assertEquals(0, horizon.current());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(3, horizon.current());
    }

    @Test
    void aClaimWithinTheLeaseRenewsTheSameBlock() {
        SeqBlock first = ledger.claim(List.of(packet("a", 3)), leaseUntil()).getFirst().current();
        clock.advance(LEASE.minusSeconds(1));
        PacketClaim again = ledger.claim(List.of(packet("a", 3)), leaseUntil()).getFirst();
        assertEquals(PacketClaim.Status.RENEWED, again.status());
        assertEquals(first, again.current());
        clock.advance(Duration.ofSeconds(2));
        assertEquals(0, horizon.current(), "the renewed lease still holds");
    }

    @Test
    void afterExpiryTheClaimSaysSoAndReassignTakesANewBlockAboveTheCounter() {
        ledger.claim(List.of(packet("other", 5)), leaseUntil());
        PacketClaim first = ledger.claim(List.of(packet("a", 3)), leaseUntil()).getFirst();
        clock.advance(LEASE);
        PacketClaim expired = ledger.claim(List.of(packet("a", 3)), leaseUntil()).getFirst();
        assertEquals(PacketClaim.Status.EXPIRED, expired.status());
        assertEquals(8, horizon.current(), "nothing holds the horizon any more");

        SeqBlock block = ledger.reassign(expired, 3, leaseUntil()).orElseThrow();
        assertEquals(new SeqBlock(9, 3), block);
        assertEquals(8, horizon.current(), "the new block holds the horizon");

        PacketClaim renewed = ledger.claim(List.of(packet("a", 3)), leaseUntil()).getFirst();
        assertEquals(PacketClaim.Status.RENEWED, renewed.status());
        assertEquals(List.of(first.current(), block), renewed.blocks());
        assertTrue(ledger.reassign(expired, 3, leaseUntil()).isEmpty(), "a stale reassignment must lose");
    }

    @Test
    void aCompletedPacketIsIngestedForLaterClaims() {
        PacketClaim claim = ledger.claim(List.of(packet("a", 3)), leaseUntil()).getFirst();
        ledger.complete(List.of("a"), List.of(claim.current()));
        assertEquals(PacketClaim.Status.INGESTED, ledger.claim(List.of(packet("a", 3)), leaseUntil()).getFirst().status());
        assertEquals(0, ledger.inFlightCount());
    }

    @Test
    void aRedisThatLostItsLastWritesIsReseededAboveThemAndHoldsTheHorizonForABarrier() {
        PacketClaim a = ledger.claim(List.of(packet("a", 3)), leaseUntil()).getFirst();
        ledger.complete(List.of("a"), List.of(a.current()));
        ledger.claim(List.of(packet("b", 2)), leaseUntil());
        // Redis comes back from a restart without b's writes: the counter and b's block in flight are
        // gone, and the state was written by a Redis process that no longer exists.
        redis.sync().set(keys.seqCounter(), "3");
        redis.sync().zrem(keys.inFlight(), "4..5");
        redis.sync().set(keys.incarnation(), "0123456789abcdef");
        storedMax.set(3);

        assertEquals(0, horizon.current(), "held: b may still be committing rows at 4..5");
        SeqBlock c = ledger.claim(List.of(packet("c", 2)), leaseUntil()).getFirst().current();
        assertEquals(new SeqBlock(3 + JUMP + 1, 2), c, "above anything the lost writes handed out");
        ledger.complete(List.of("c"), List.of(c));
        clock.advance(BARRIER.minusSeconds(1));
        assertEquals(0, horizon.current(), "still held by the barrier");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(3 + JUMP + 2, horizon.current());
    }

    @Test
    void anEmptiedRedisContinuesAboveWhatClickHouseHolds() {
        PacketClaim a = ledger.claim(List.of(packet("a", 3)), leaseUntil()).getFirst();
        ledger.complete(List.of("a"), List.of(a.current()));
        redis.sync().del(keys.seqCounter(), keys.inFlight(), keys.incarnation(), keys.packetBlocks("a"),
                keys.ingested("a"));
        storedMax.set(3);

        SeqBlock b = ledger.claim(List.of(packet("b", 2)), leaseUntil()).getFirst().current();
        assertEquals(new SeqBlock(3 + JUMP + 1, 2), b);
        ledger.complete(List.of("b"), List.of(b));
        assertEquals(0, horizon.current(), "held by the barrier");
        clock.advance(BARRIER);
        assertEquals(3 + JUMP + 2, horizon.current());
    }

    @Test
    void aRestartedRedisIsRecognisedByItsRunId() throws Exception {
        try (RestartableServer server = TestServices.current().privateRedis()) {
            server.start();
            RedisClient privateClient = RedisClient.create(server.endpoint().toString());
            try (StatefulRedisConnection<String, String> connection = privateClient.connect()) {
                useRedis(connection);
                PacketClaim a = ledger.claim(List.of(packet("a", 3)), leaseUntil()).getFirst();
                assertEquals(new SeqBlock(1, 3), a.current(), "a new installation starts at 1, with no barrier");
                ledger.complete(List.of("a"), List.of(a.current()));
                assertEquals(3, horizon.current());

                server.kill();
                server.start();
                // Its AOF kept every write (fsync always), but nothing tells a client that: only the run_id.
                SeqBlock b = ledger.claim(List.of(packet("b", 2)), leaseUntil()).getFirst().current();
                assertEquals(new SeqBlock(3 + JUMP + 1, 2), b);
                assertEquals(0, horizon.current());
            } finally {
                privateClient.shutdown();
            }
        }
    }

    private Instant leaseUntil() {
        return clock.instant().plus(LEASE);
    }

    private static IntakePacket packet(String id, int emails) {
        List<PackedEmail> list = new ArrayList<>();
        for (int i = 0; i < emails; i++) {
            list.add(new PackedEmail(id + "-" + i, "t", "", Instant.EPOCH, Instant.EPOCH, new byte[0]));
        }
        return new IntakePacket(id, list);
    }
}
