package dev.postdate.ranger;

import dev.postdate.clickhouse.ClickHouseSettings;
import dev.postdate.clickhouse.cluster.PendingQuorumInserts;
import dev.postdate.core.intake.ArrivalHorizon;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * In production the horizon is the one the ingest consumers maintain in Redis; on a cluster with
 * quorum inserts, held while an insert waits for its quorum ({@link QuorumSafeHorizon}).
 */
@Factory
public class SeqHorizonFactory {

    @Singleton
    SeqHorizon seqHorizon(ArrivalHorizon arrivalHorizon, ClickHouseSettings clickHouse, PendingQuorumInserts pending) {
        SeqHorizon consumers = arrivalHorizon::current;
        return clickHouse.insertQuorum() > 0 ? new QuorumSafeHorizon(consumers, pending) : consumers;
    }
}
