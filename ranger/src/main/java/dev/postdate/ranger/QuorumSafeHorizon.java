package dev.postdate.ranger;

import dev.postdate.clickhouse.cluster.PendingQuorumInserts;

/**
 * The arrival horizon on a cluster with quorum inserts. The consumers' horizon passes a seq block once
 * its lease lapsed, which on one server means its insert committed or never will (docs/ingest.md). On a
 * cluster, an insert that gave up waiting for its quorum left its part on one replica, to become visible
 * once the others fetch it: its rows may still appear. So the horizon moves only while no insert into
 * {@code emails} (or its views) waits for its quorum, and holds the last value so taken otherwise. Read
 * in this order (horizon, then ZooKeeper), an insert under a lapsed block that committed anywhere is
 * seen: it committed before its lease lapsed, so before the horizon was read, and its quorum node lasts
 * until its rows are visible (QuorumSafeHorizonTest, docs/clickhouse.md).
 */
final class QuorumSafeHorizon implements SeqHorizon {

    private final SeqHorizon consumers;
    private final PendingQuorumInserts pending;
    private long safe;

    QuorumSafeHorizon(SeqHorizon consumers, PendingQuorumInserts pending) {
        this.consumers = consumers;
        this.pending = pending;
    }

    @Override
    public synchronized long current() {
        long candidate = consumers.current();
        if (candidate > safe && !pending.intoEmails()) {
            safe = candidate;
        }
        return safe;
    }
}
