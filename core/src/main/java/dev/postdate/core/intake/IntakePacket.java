package dev.postdate.core.intake;

import java.util.List;

/**
 * The body of one intake SQS message: many emails, so that intake is not bound by SQS message
 * rates. {@code packetId} is the ingest consumer's unit of deduplication: a redelivered packet must
 * not make its emails visible twice.
 */
public record IntakePacket(String packetId, List<PackedEmail> emails) {
}
