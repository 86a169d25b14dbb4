package dev.postdate.ingest;

import dev.postdate.core.intake.ArrivalSettings;
import dev.postdate.core.intake.IntakeKeys;
import dev.postdate.core.intake.SeqLedger;
import dev.postdate.core.intake.SeqReseed;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

@Factory
class SeqLedgerFactory {

    @Singleton
    SeqLedger seqLedger(StatefulRedisConnection<String, String> redis, IntakeKeys keys, SeqReseed reseed,
                        Clock clock, IngestSettings settings, ArrivalSettings arrival) {
        // After Redis lost writes, the barrier must outlast every insert in flight, each of which ends
        // within its block's lease.
        if (arrival.reseedBarrier().compareTo(settings.lease()) < 0) {
            throw new IllegalStateException("postdate.arrival.reseed-barrier (" + arrival.reseedBarrier()
                    + ") must be at least postdate.ingest.lease (" + settings.lease() + ")");
        }
        return new SeqLedger(redis, keys, reseed, clock, settings.packetMemory());
    }
}
