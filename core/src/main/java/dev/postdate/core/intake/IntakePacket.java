package dev.postdate.core.intake;

import dev.postdate.core.email.ScheduledEmail;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * The body of one intake SQS message: many emails, so that intake is not bound by SQS message
 * rates. {@code packetId} is the ingest consumer's unit of deduplication: a redelivered packet must
 * not make its emails visible twice.
 */
@Serdeable
public record IntakePacket(String packetId, List<ScheduledEmail> emails) {
}
