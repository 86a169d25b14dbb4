package dev.postdate.janitor;

import dev.postdate.clickhouse.migrations.SchemaOnStart;
import dev.postdate.clickhouse.retention.PayloadRetention;
import dev.postdate.clickhouse.retention.SendMarkRetention;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;

/**
 * Every {@code postdate.retention.interval}, drops the payloads of emails whose final outcome is older
 * than {@code postdate.retention.payload-after}, and the months of send marks older than
 * {@code postdate.retention.send-marks-after}. Safe on any number of janitors: the mutation and the
 * partition drops are idempotent, and a run skips the mutation while another one's is still running.
 */
@Singleton
public class PayloadRetentionJob {

    private static final Logger LOG = LoggerFactory.getLogger(PayloadRetentionJob.class);

    private final PayloadRetention retention;
    private final SendMarkRetention sendMarks;
    private final SchemaOnStart schema;
    private final RetentionSettings settings;
    private final Clock clock;

    public PayloadRetentionJob(PayloadRetention retention, SendMarkRetention sendMarks, SchemaOnStart schema,
                               RetentionSettings settings, Clock clock) {
        this.retention = retention;
        this.sendMarks = sendMarks;
        this.schema = schema;
        this.settings = settings;
        this.clock = clock;
    }

    @Scheduled(initialDelay = "${postdate.retention.interval}", fixedDelay = "${postdate.retention.interval}")
    void run() {
        if (!schema.isCurrent()) {
            return;
        }
        Instant cutoff = clock.instant().minus(settings.payloadAfter());
        try {
            PayloadRetention.Run run = retention.drop(cutoff.minus(settings.lookback()), cutoff);
            if (run.waited()) {
                LOG.info("An earlier mutation of emails is still running; payload retention waits for the next run");
            } else if (run.payloads() > 0) {
                LOG.info("Dropping {} payloads of emails with a final outcome before {}", run.payloads(), cutoff);
            }
        } catch (RuntimeException e) {
            LOG.warn("Payload retention failed, trying again in {}: {}", settings.interval(), e.getMessage());
        }
        try {
            SendMarkRetention.Run run = sendMarks.drop(clock.instant().minus(settings.sendMarksAfter()));
            if (run.keptOnThisServer()) {
                LOG.warn("Send marks are kept: with quorum inserts, ClickHouse before {} breaks sequentially consistent"
                        + " reads of a table once a partition is dropped (docs/clickhouse.md)",
                        SendMarkRetention.DROP_CLEARS_QUORUM);
            } else if (!run.dropped().isEmpty()) {
                LOG.info("Dropped the send marks of the months {}", run.dropped());
            }
        } catch (RuntimeException e) {
            LOG.warn("Send mark retention failed, trying again in {}: {}", settings.interval(), e.getMessage());
        }
    }
}
