package dev.postdate.core.intake;

import dev.postdate.core.redis.RedisSettings;
import dev.postdate.core.testing.MutableClock;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seq ledger and the horizon against a real Redis, with time moved by hand. */
class ArrivalHorizonTest {

    private static final Duration LEASE = Duration.ofSeconds(60);

    private static RedisClient client;
    private static StatefulRedisConnection<String, String> redis;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
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
        IntakeKeys keys = new IntakeKeys(new RedisSettings(TestServices.current().redisUri(),
                "test-horizon-" + UUID.randomUUID() + ":", Duration.ofSeconds(10)));
        ledger = new SeqLedger(redis, keys, clock, Duration.ofMinutes(10));
        horizon = new ArrivalHorizon(redis, keys, clock);
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
