package dev.postdate.core.intake;

import dev.postdate.core.redis.RedisSettings;
import jakarta.inject.Singleton;

/**
 * Names of the Redis keys behind the arrival sequence, shared by the ingest consumer (writer) and the
 * ranger (reader of the horizon). Every key carries the hash tag {@code {intake}} so that the Lua
 * scripts touching several of them run on one slot of a Redis cluster.
 */
@Singleton
public class IntakeKeys {

    private final String base;

    public IntakeKeys(RedisSettings settings) {
        this.base = settings.keyPrefix() + "{intake}:";
    }

    /** The arrival counter: the highest seq number ever handed out. */
    public String seqCounter() {
        return base + "seq";
    }

    /** Sorted set of seq blocks being inserted: member {@code start..end}, score the lease expiry in epoch ms. */
    public String inFlight() {
        return base + "in-flight";
    }

    /** The {@code run_id} of the Redis process that wrote the sequence state: see {@link SeqReseed}. */
    public String incarnation() {
        return base + "incarnation";
    }

    /** The block starts a packet was given, oldest first, comma-separated. */
    public String packetBlocks(String packetId) {
        return base + "blocks:" + packetId;
    }

    /** Present once a packet's emails are all in ClickHouse. */
    public String ingested(String packetId) {
        return base + "ingested:" + packetId;
    }
}
