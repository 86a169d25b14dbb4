package dev.postdate.core.sqs.dlq;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** What a redrive moved back to the source queue: per message its dead-letter id and its new id there. */
@Serdeable
public record Redriven(List<Move> moved) {

    @Serdeable
    public record Move(@JsonProperty("message_id") String messageId,
                       @JsonProperty("new_message_id") String newMessageId) {
    }
}
