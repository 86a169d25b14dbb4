package dev.postdate.ingest;

import dev.postdate.core.intake.IntakeKeys;
import dev.postdate.core.intake.SeqLedger;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

@Factory
class SeqLedgerFactory {

    @Singleton
    SeqLedger seqLedger(StatefulRedisConnection<String, String> redis, IntakeKeys keys, Clock clock,
                        IngestSettings settings) {
        return new SeqLedger(redis, keys, clock, settings.packetMemory());
    }
}
