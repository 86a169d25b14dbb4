package dev.postdate.ranger;

import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeaderFailoverTest {

    /** Short enough to watch it run out; only the Redis-only test waits for that. */
    private static final Duration LEASE = Duration.ofMillis(800);
    /**
     * Longer than any tick: the leader's lease runs out when the test says so, not while a tick
     * waits on ClickHouse (on the cluster a tick's quorum inserts can take longer than 800 ms).
     */
    private static final Duration TICK_LEASE = Duration.ofSeconds(30);
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private RangerFixture fixture;

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void onlyOneRangerLeadsAndEachNewLeaderGetsAHigherFence() throws InterruptedException {
        fixture = new RangerFixture(LeaderFailoverTest.class, LEASE);
        LeaderLease a = fixture.lease("a");
        LeaderLease b = fixture.lease("b");

        long fenceA = a.hold().orElseThrow();
        assertTrue(b.hold().isEmpty(), "the lease is taken");
        assertEquals(OptionalLong.of(fenceA), a.hold(), "renewal keeps the fence");

        a.release();
        long fenceB = b.hold().orElseThrow();
        assertTrue(fenceB > fenceA);
        assertTrue(a.hold().isEmpty());

        long fenceA2 = awaitLeadership(a);
        assertTrue(fenceA2 > fenceB, "b stopped renewing: a takes over after the lease expires");
    }

    @Test
    void standbyFinishesTheTickOfALeaderKilledMidTickAndTheOldLeaderIsFencedOut() {
        fixture = new RangerFixture(LeaderFailoverTest.class, TICK_LEASE);
        List<long[]> rows = new ArrayList<>();
        for (long seq = 1; seq <= 100; seq++) {
            rows.add(new long[]{NOW.getEpochSecond() - (seq % 7), seq});
        }
        fixture.insert(rows);
        MutableClock clock = new MutableClock(NOW);
        FaultyPublisher leaderPublisher = fixture.faultyPublisher();
        RangerTick leader = fixture.tick(() -> 100, leaderPublisher, clock);
        RangerTick standby = fixture.tick(() -> 100, fixture.publisher(), clock);
        LeaderLease leaderLease = fixture.lease("leader");
        LeaderLease standbyLease = fixture.lease("standby");

        long oldFence = leaderLease.hold().orElseThrow();
        leaderPublisher.failNext(FaultyPublisher.Fault.HALFWAY);
        assertThrows(FaultyPublisher.SimulatedCrash.class, () -> leader.run(oldFence));

        fixture.expireLease();
        long newFence = standbyLease.hold().orElseThrow();
        RangerTick.Outcome outcome = standby.run(newFence);
        assertTrue(outcome.resumed(), "the standby emits the planned tick again");
        assertEquals(1, outcome.tick());

        clock.advance(Duration.ofSeconds(5));
        assertThrows(FencedException.class, () -> leader.run(oldFence), "the old leader wakes up fenced");

        List<RangeMessage> emitted = fixture.drainRanges();
        Set<Long> covered = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (RangeMessage range : emitted) {
            if (ids.add(range.rangeId())) {
                for (long seq : fixture.seqsIn(range)) {
                    assertTrue(covered.add(seq), "seq " + seq + " in two ranges");
                }
            }
        }
        assertEquals(100, covered.size());
        assertTrue(emitted.size() > ids.size(), "the half published before the crash came again, same ids");
    }

    /** Polls until the lease is ours; a lease expires in Redis's time, not in a test clock. */
    private static long awaitLeadership(LeaderLease lease) throws InterruptedException {
        Instant deadline = Instant.now().plus(LEASE.multipliedBy(5));
        while (Instant.now().isBefore(deadline)) {
            OptionalLong fence = lease.hold();
            if (fence.isPresent()) {
                return fence.getAsLong();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leadership within " + LEASE.multipliedBy(5));
    }
}
