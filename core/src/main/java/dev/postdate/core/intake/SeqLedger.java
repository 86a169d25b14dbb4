package dev.postdate.core.intake;

import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The ingest consumer's side of the arrival sequence, in Redis. Every change is one Lua script, so
 * that "take numbers from the counter" and "register them in flight" are a single step: the ranger
 * ({@link ArrivalHorizon}) can never see the counter moved past a block that is not yet in flight.
 * See docs/ingest.md for the argument.
 */
public class SeqLedger {

    /** Answer of a script that found the sequence state written by another Redis process. */
    private static final String RESEED_FIRST = "RESEED";

    /**
     * KEYS: counter, in-flight set, incarnation, then per packet its blocks key and its ingested key.
     * ARGV: now ms, lease expiry ms, memory TTL s, then per packet its email count.
     * Lapsed leases are dropped first, so "member still in the set" means "lease alive".
     */
    private static final String CLAIM = SeqReseed.SAME_INCARNATION + """
            if not same_incarnation(KEYS[3]) then return {'RESEED'} end
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
            local out = {}
            for i = 1, (#KEYS - 3) / 2 do
              local blocksKey, ingestedKey, size = KEYS[2 + 2 * i], KEYS[3 + 2 * i], tonumber(ARGV[3 + i])
              if redis.call('EXISTS', ingestedKey) == 1 then
                out[i] = {'INGESTED', ''}
              else
                local starts = redis.call('GET', blocksKey)
                if not starts then
                  local start = redis.call('INCRBY', KEYS[1], size) - size + 1
                  starts = string.format('%d', start)
                  redis.call('SET', blocksKey, starts, 'EX', ARGV[3])
                  redis.call('ZADD', KEYS[2], ARGV[2], string.format('%d..%d', start, start + size - 1))
                  out[i] = {'NEW', starts}
                else
                  local last = tonumber(string.match(starts, '(%d+)$'))
                  local member = string.format('%d..%d', last, last + size - 1)
                  if redis.call('ZSCORE', KEYS[2], member) then
                    redis.call('ZADD', KEYS[2], ARGV[2], member)
                    out[i] = {'RENEWED', starts}
                  else
                    out[i] = {'EXPIRED', starts}
                  end
                end
              end
            end
            return out
            """;

    /**
     * KEYS: counter, in-flight set, the packet's blocks key, incarnation. ARGV: lease expiry ms, memory
     * TTL s, the block starts the caller saw, email count. Compare-and-set on the starts: when another
     * consumer reassigned first, or Redis lost writes since the claim, answer -1 and let the caller
     * claim again.
     */
    private static final String REASSIGN = SeqReseed.SAME_INCARNATION + """
            if not same_incarnation(KEYS[4]) or redis.call('GET', KEYS[3]) ~= ARGV[3] then
              return -1
            end
            local size = tonumber(ARGV[4])
            local start = redis.call('INCRBY', KEYS[1], size) - size + 1
            redis.call('SET', KEYS[3], ARGV[3] .. ',' .. string.format('%d', start), 'EX', ARGV[2])
            redis.call('ZADD', KEYS[2], ARGV[1], string.format('%d..%d', start, start + size - 1))
            return start
            """;

    /** KEYS: in-flight set, then the ingested keys. ARGV: memory TTL s, then the members to release. */
    private static final String COMPLETE = """
            for i = 2, #KEYS do
              redis.call('SET', KEYS[i], '1', 'EX', ARGV[1])
            end
            for i = 2, #ARGV do
              redis.call('ZREM', KEYS[1], ARGV[i])
            end
            return #KEYS - 1
            """;

    private final StatefulRedisConnection<String, String> redis;
    private final IntakeKeys keys;
    private final SeqReseed reseed;
    private final Clock clock;
    private final long memorySeconds;

    /**
     * @param memory how long a packet's blocks and its ingested mark are kept: longer than the intake
     *               queue's message retention, so that no redelivery can outlive them
     */
    public SeqLedger(StatefulRedisConnection<String, String> redis, IntakeKeys keys, SeqReseed reseed, Clock clock,
                     Duration memory) {
        this.redis = redis;
        this.keys = keys;
        this.reseed = reseed;
        this.clock = clock;
        this.memorySeconds = memory.toSeconds();
    }

    /** Claims seq blocks for packets (each with at least one email) in one atomic step. */
    public List<PacketClaim> claim(List<IntakePacket> packets, Instant leaseUntil) {
        List<String> keyList = new ArrayList<>(3 + 2 * packets.size());
        keyList.add(keys.seqCounter());
        keyList.add(keys.inFlight());
        keyList.add(keys.incarnation());
        List<String> args = new ArrayList<>(3 + packets.size());
        args.add(Long.toString(clock.millis()));
        args.add(Long.toString(leaseUntil.toEpochMilli()));
        args.add(Long.toString(memorySeconds));
        for (IntakePacket packet : packets) {
            keyList.add(keys.packetBlocks(packet.packetId()));
            keyList.add(keys.ingested(packet.packetId()));
            args.add(Integer.toString(packet.emails().size()));
        }
        Object reply = redis.sync().eval(CLAIM, ScriptOutputType.MULTI, keyList.toArray(String[]::new),
                args.toArray(String[]::new));
        if (reply instanceof List<?> list && list.size() == 1 && RESEED_FIRST.equals(list.getFirst())) {
            reseed.reseed();
            reply = redis.sync().eval(CLAIM, ScriptOutputType.MULTI, keyList.toArray(String[]::new),
                    args.toArray(String[]::new));
        }
        @SuppressWarnings("unchecked")
        List<List<String>> answers = (List<List<String>>) reply;
        List<PacketClaim> claims = new ArrayList<>(packets.size());
        for (int i = 0; i < packets.size(); i++) {
            IntakePacket packet = packets.get(i);
            List<String> answer = answers.get(i);
            claims.add(new PacketClaim(packet.packetId(), PacketClaim.Status.valueOf(answer.get(0)),
                    blocksOf(answer.get(1), packet.emails().size())));
        }
        return claims;
    }

    /**
     * Gives an {@code EXPIRED} packet a new block, registered in flight until {@code leaseUntil}.
     *
     * @return the new block, or empty when another consumer changed the packet's blocks since
     * {@code claim} (claim again)
     */
    public Optional<SeqBlock> reassign(PacketClaim expired, int emailCount, Instant leaseUntil) {
        Long start = redis.sync().eval(REASSIGN, ScriptOutputType.INTEGER,
                new String[]{keys.seqCounter(), keys.inFlight(), keys.packetBlocks(expired.packetId()),
                        keys.incarnation()},
                Long.toString(leaseUntil.toEpochMilli()), Long.toString(memorySeconds),
                startsOf(expired.blocks()), Integer.toString(emailCount));
        return start < 0 ? Optional.empty() : Optional.of(new SeqBlock(start, emailCount));
    }

    /**
     * After the insert was acknowledged: marks the packets ingested and takes their blocks out of
     * flight, in one step, so the horizon moves only once the marks exist.
     */
    public void complete(Collection<String> packetIds, Collection<SeqBlock> blocks) {
        if (packetIds.isEmpty() && blocks.isEmpty()) {
            return;
        }
        List<String> keyList = new ArrayList<>(1 + packetIds.size());
        keyList.add(keys.inFlight());
        packetIds.forEach(id -> keyList.add(keys.ingested(id)));
        List<String> args = new ArrayList<>(1 + blocks.size());
        args.add(Long.toString(memorySeconds));
        blocks.forEach(block -> args.add(block.member()));
        redis.sync().eval(COMPLETE, ScriptOutputType.INTEGER, keyList.toArray(String[]::new), args.toArray(String[]::new));
    }

    /** How many blocks hold a live lease right now, across all consumers. */
    public long inFlightCount() {
        return redis.sync().zcount(keys.inFlight(),
                Range.create((double) clock.millis(), Double.POSITIVE_INFINITY));
    }

    private static List<SeqBlock> blocksOf(String starts, int size) {
        if (starts.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(starts.split(",")).map(start -> new SeqBlock(Long.parseLong(start), size)).toList();
    }

    private static String startsOf(List<SeqBlock> blocks) {
        return String.join(",", blocks.stream().map(block -> Long.toString(block.start())).toList());
    }
}
