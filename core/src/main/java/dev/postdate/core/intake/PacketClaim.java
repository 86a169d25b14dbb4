package dev.postdate.core.intake;

import java.util.List;

/**
 * What the seq ledger knows about one packet at the start of an insert attempt.
 *
 * @param packetId the packet
 * @param status   see {@link Status}
 * @param blocks   every block the packet was ever given, oldest first; the last is the current one
 *                 (empty only when {@code INGESTED})
 */
public record PacketClaim(String packetId, Status status, List<SeqBlock> blocks) {

    public enum Status {
        /** Already in ClickHouse: delete the message, insert nothing. */
        INGESTED,
        /** First sight: a fresh block, registered in flight. */
        NEW,
        /** Seen before and its current block's lease was still alive: lease renewed, reuse the block. */
        RENEWED,
        /**
         * Seen before but its lease lapsed: the ranger may have ranged past the block, so rows still
         * missing must take a new block ({@link SeqLedger#reassign}).
         */
        EXPIRED
    }

    public SeqBlock current() {
        return blocks.getLast();
    }

    public List<SeqBlock> earlier() {
        return blocks.subList(0, blocks.size() - 1);
    }
}
