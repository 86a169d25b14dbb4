package dev.postdate.ranger;

import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The ranger's invariant, tried against the real servers with random data and random faults: every
 * email that reaches ClickHouse is in exactly one range once it is ready, and in none before.
 * <p>
 * Emails get random due times (already due, due in seconds, due in days), arrive in seq order but
 * become visible in blocks committed out of order and late, some blocks twice (a redelivered
 * intake message). The ranger is restarted, crashes before, during and after publishing, its
 * clock jumps back, and Redis loses the ranger state: all of it, or back to an earlier copy (the
 * last writes lost), so that only the ClickHouse journal knows how far the ranger got. Ticks take
 * several steps ({@link RangerFixture#MAX_RANGES_PER_TICK}), so all of this also lands mid-tick.
 */
class RangerInvariantTest {

    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final int EMAILS = 3_000;

    private RangerFixture fixture;

    @BeforeEach
    void start() {
        fixture = new RangerFixture(RangerInvariantTest.class, Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    /** A block of consecutive seqs that one ingest insert makes visible at once. */
    private record Block(long firstSeq, List<long[]> rows, long visibleAt, boolean redelivered) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 20261123})
    void everyReadyEmailIsInExactlyOneRange(long seed) {
        Random random = new Random(seed);
        Map<Long, Long> sendAtBySeq = new HashMap<>();
        List<Block> blocks = blocks(random, sendAtBySeq);
        TreeMap<Long, Boolean> committed = new TreeMap<>();
        AtomicLong horizon = new AtomicLong();
        MutableClock clock = new MutableClock(T0);
        FaultyPublisher publisher = fixture.faultyPublisher();
        RangerTick ranger = fixture.tick(horizon::get, publisher, clock);
        LeaderLease lease = fixture.lease("ranger-a");
        long fence = lease.hold().orElseThrow();

        Map<String, String> redisSnapshot = Map.of();
        int redisLosses = 0;
        long end = T0.getEpochSecond() + 240;
        while (clock.instant().getEpochSecond() < end) {
            clock.advance(Duration.ofSeconds(random.nextInt(5)));
            if (random.nextInt(20) == 0) {
                clock.advance(Duration.ofSeconds(-1 - random.nextInt(3)));
            }
            commitVisible(blocks, committed, horizon, clock.instant().getEpochSecond());
            if (random.nextInt(10) == 0) {
                ranger = fixture.tick(horizon::get, publisher, clock);
            }
            switch (random.nextInt(40)) {
                case 0 -> redisSnapshot = fixture.redisState();
                case 1 -> {
                    fixture.loseRedisWrites(redisSnapshot);
                    redisLosses++;
                }
                case 2 -> {
                    fixture.loseRedisWrites(Map.of());
                    redisLosses++;
                }
                default -> { }
            }
            publisher.failNext(FaultyPublisher.Fault.values()[random.nextInt(8) < 6 ? 0 : 1 + random.nextInt(3)]);
            // The lease runs on the wall clock: renewed each step, as the ranger's loop does, a run
            // longer than the lease (a slow cluster took 43 s) keeps it.
            renew(lease, fence);
            try {
                ranger.run(fence);
            } catch (FaultyPublisher.SimulatedCrash expected) {
                ranger = fixture.tick(horizon::get, publisher, clock);
            }
        }
        clock.set(Instant.ofEpochSecond(end + 10));
        commitVisible(blocks, committed, horizon, Long.MAX_VALUE);
        do {
            // every step of the last tick, until one finds nothing new
            renew(lease, fence);
        } while (ranger.run(fence) != RangerTick.Outcome.NOTHING);

        long now = clock.instant().getEpochSecond();
        Set<Long> ready = new HashSet<>();
        sendAtBySeq.forEach((seq, sendAt) -> {
            if (sendAt <= now) {
                ready.add(seq);
            }
        });
        assertCoveredExactlyOnce(fixture.drainRanges(), ready, sendAtBySeq);
        assertTrue(redisLosses > 0, "the scenario must make Redis lose the ranger's state");
    }

    private static void renew(LeaderLease lease, long fence) {
        assertEquals(OptionalLong.of(fence), lease.hold(), "the lease renewed under the same fence");
    }

    private void assertCoveredExactlyOnce(List<RangeMessage> emitted, Set<Long> ready, Map<Long, Long> sendAtBySeq) {
        Map<String, RangeMessage> byId = new HashMap<>();
        for (RangeMessage range : emitted) {
            RangeMessage earlier = byId.putIfAbsent(range.rangeId(), range);
            if (earlier != null) {
                assertEquals(earlier.bounds(), range.bounds(), "a re-emitted range must be identical: " + range.rangeId());
                assertEquals(earlier.expected(), range.expected());
            }
        }
        Map<Long, String> rangeOfSeq = new HashMap<>();
        for (RangeMessage range : byId.values()) {
            List<Long> seqs = fixture.seqsIn(range);
            assertEquals(range.expected(), seqs.size(), "expected count of " + range.rangeId());
            for (long seq : seqs) {
                String other = rangeOfSeq.put(seq, range.rangeId());
                if (other != null) {
                    fail("email seq " + seq + " is in ranges " + other + " and " + range.rangeId());
                }
            }
        }
        Set<Long> missing = new HashSet<>(ready);
        missing.removeAll(rangeOfSeq.keySet());
        assertTrue(missing.isEmpty(), "ready emails in no range: " + missing.stream().limit(10)
                .map(seq -> seq + "@" + sendAtBySeq.get(seq)).toList());
        Set<Long> premature = new HashSet<>(rangeOfSeq.keySet());
        premature.removeAll(ready);
        assertTrue(premature.isEmpty(), "emails ranged before they were due: " + premature);
        assertTrue(ready.size() > EMAILS / 2, "the scenario must make most emails ready");
    }

    private static List<Block> blocks(Random random, Map<Long, Long> sendAtBySeq) {
        List<Block> blocks = new ArrayList<>();
        long seq = 1;
        while (seq <= EMAILS) {
            int size = 1 + random.nextInt(50);
            long arrival = T0.getEpochSecond() + (seq * 180L / EMAILS);
            List<long[]> rows = new ArrayList<>();
            for (int i = 0; i < size && seq <= EMAILS; i++, seq++) {
                long sendAt = switch (random.nextInt(10)) {
                    case 0, 1, 2 -> arrival - random.nextInt(3);
                    case 3, 4 -> arrival - random.nextInt(120);
                    case 5 -> arrival + 86_400L * (1 + random.nextInt(30));
                    default -> arrival + random.nextInt(90);
                };
                rows.add(new long[]{sendAt, seq});
                sendAtBySeq.put(seq, sendAt);
            }
            blocks.add(new Block(rows.getFirst()[1], rows, arrival + random.nextInt(12), random.nextInt(10) == 0));
        }
        return blocks;
    }

    /** Inserts every block visible by {@code now} and moves the horizon below the lowest one still in flight. */
    private void commitVisible(List<Block> blocks, TreeMap<Long, Boolean> committed, AtomicLong horizon, long now) {
        for (Block block : blocks) {
            if (block.visibleAt() <= now && !committed.containsKey(block.firstSeq())) {
                fixture.insert(block.rows());
                if (block.redelivered()) {
                    fixture.insert(block.rows());
                }
                committed.put(block.firstSeq(), true);
            }
        }
        long h = 0;
        for (Block block : blocks) {
            if (!committed.containsKey(block.firstSeq())) {
                break;
            }
            h = block.rows().getLast()[1];
        }
        horizon.set(h);
    }
}
