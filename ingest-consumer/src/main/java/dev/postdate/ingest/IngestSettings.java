package dev.postdate.ingest;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/**
 * How the ingest consumer drains the intake queue. Defaults are in application.yml.
 *
 * @param enabled             whether this process receives at all (off: the beans exist, nothing polls)
 * @param receivers           long polls in flight at once, each on its own virtual thread
 * @param batchEmails         a batch is written once it holds this many emails ...
 * @param batchLinger         ... or once its oldest packet waited this long
 * @param receiveWait         SQS long-poll wait (at most 20 s)
 * @param visibilityTimeout   how long a received message stays hidden from other consumers
 * @param visibilityHeartbeat how often held messages get their visibility extended again; well
 *                            below {@code visibilityTimeout}
 * @param lease               how long a seq block holds the ranger's horizon below it
 * @param insertTimeout       deadline of an insert attempt: its request is aborted then
 * @param insertCommitMargin  lease an attempt must have left beyond its insert's deadline when the
 *                            insert starts: covers a server still committing a body it received in
 *                            full, and clock skew; {@code insertTimeout + insertCommitMargin} is
 *                            shorter than {@code lease}, so no insert commits after its block
 *                            stopped holding the horizon
 * @param retryInitialBackoff first wait after a failed insert attempt
 * @param retryMaxBackoff     longest wait between insert attempts
 * @param packetMemory        how long Redis remembers a packet's blocks and its ingested mark;
 *                            longer than the intake queue's message retention
 * @param stopGrace           on shutdown, how long the batch being written may take to finish before
 *                            it is abandoned to redelivery
 */
@ConfigurationProperties("postdate.ingest")
public record IngestSettings(
        boolean enabled,
        @Min(1) int receivers,
        @Min(1) int batchEmails,
        Duration batchLinger,
        Duration receiveWait,
        Duration visibilityTimeout,
        Duration visibilityHeartbeat,
        Duration lease,
        Duration insertTimeout,
        Duration insertCommitMargin,
        Duration retryInitialBackoff,
        Duration retryMaxBackoff,
        Duration packetMemory,
        Duration stopGrace) {

    public IngestSettings {
        if (insertTimeout.plus(insertCommitMargin).compareTo(lease) >= 0) {
            throw new IllegalArgumentException("postdate.ingest.insert-timeout (" + insertTimeout
                    + ") plus postdate.ingest.insert-commit-margin (" + insertCommitMargin
                    + ") must be shorter than postdate.ingest.lease (" + lease + ")");
        }
        if (visibilityHeartbeat.compareTo(visibilityTimeout) >= 0) {
            throw new IllegalArgumentException("postdate.ingest.visibility-heartbeat (" + visibilityHeartbeat
                    + ") must be shorter than postdate.ingest.visibility-timeout (" + visibilityTimeout + ")");
        }
    }
}
