package dev.postdate.ingest;

import dev.postdate.core.intake.SeqLedger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/** The ingest consumer's meters, exposed on /prometheus. */
@Singleton
class IngestMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(IngestMetrics.class);

    private final Counter packets;
    private final Counter emails;
    private final Counter undecodable;
    private final Counter redeliveriesSkipped;
    private final Counter insertFailures;
    private final Counter batchSplits;
    private final Counter poisoned;
    private final Timer insertLatency;
    private final DistributionSummary batchEmails;

    IngestMetrics(MeterRegistry registry, SeqLedger ledger) {
        packets = Counter.builder("postdate.ingest.packets").description("intake packets ingested").register(registry);
        emails = Counter.builder("postdate.ingest.emails").description("emails inserted into ClickHouse").register(registry);
        undecodable = Counter.builder("postdate.ingest.undecodable")
                .description("undecodable intake messages moved to the dead-letter queue").register(registry);
        redeliveriesSkipped = Counter.builder("postdate.ingest.redeliveries.skipped")
                .description("redelivered packets already stored: deleted without inserting").register(registry);
        insertFailures = Counter.builder("postdate.ingest.insert.failures")
                .description("failed batch attempts, retried with backoff").register(registry);
        batchSplits = Counter.builder("postdate.ingest.batch.splits")
                .description("batches ClickHouse kept refusing, cut in halves to isolate a poison packet").register(registry);
        poisoned = Counter.builder("postdate.ingest.poisoned")
                .description("packets ClickHouse kept refusing alone, moved to the dead-letter queue").register(registry);
        insertLatency = Timer.builder("postdate.ingest.insert.latency")
                .description("duration of a successful batch attempt, claim to release").register(registry);
        batchEmails = DistributionSummary.builder("postdate.ingest.batch.emails")
                .description("emails per batch").register(registry);
        Gauge.builder("postdate.ingest.inflight.blocks", ledger, IngestMetrics::inFlightBlocks)
                .description("seq blocks holding the arrival horizon, across all consumers").register(registry);
    }

    void batchIngested(BatchIngester.Outcome outcome, int batchSize, Duration took) {
        packets.increment(outcome.packetsIngested());
        emails.increment(outcome.emailsInserted());
        redeliveriesSkipped.increment(outcome.redeliveries());
        batchEmails.record(batchSize);
        insertLatency.record(took);
    }

    void attemptFailed() {
        insertFailures.increment();
    }

    void batchSplit() {
        batchSplits.increment();
    }

    void poisoned() {
        poisoned.increment();
    }

    void undecodable() {
        undecodable.increment();
    }

    /** A scrape must not fail because Redis is away: the gauge then reads NaN. */
    private static double inFlightBlocks(SeqLedger ledger) {
        try {
            return ledger.inFlightCount();
        } catch (RuntimeException e) {
            LOG.debug("In-flight blocks unavailable: {}", e.getMessage());
            return Double.NaN;
        }
    }
}
