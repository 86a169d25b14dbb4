package dev.postdate.core.sqs.dlq;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * One message in a dead-letter queue, described without its body.
 *
 * @param messageId         its id in the dead-letter queue (what show and redrive take)
 * @param sentAt            when it was sent to the dead-letter queue
 * @param receiveCount      SQS's approximate receive count, this look included
 * @param reason            the {@code postdate-reason} attribute; null for a message moved by the
 *                          queue's redrive policy, which sets none
 * @param originalMessageId the {@code postdate-original-message-id} attribute: its id in the source queue
 * @param bodyBytes         size of the body
 */
@Serdeable
public record DeadLetter(
        @JsonProperty("message_id") String messageId,
        @JsonProperty("sent_at") Instant sentAt,
        @JsonProperty("receive_count") int receiveCount,
        @Nullable String reason,
        @JsonProperty("original_message_id") @Nullable String originalMessageId,
        @JsonProperty("body_bytes") int bodyBytes) {
}
