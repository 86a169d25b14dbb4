package dev.postdate.core.sqs.dlq;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.core.range.RangeMessage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * One dead letter with a summary of its body that carries no personal data: for an intake packet its
 * ids and tenants (never addresses or content), for a range the range itself. Exactly one of
 * {@code packet}, {@code range} and {@code undecodable} is set.
 *
 * @param undecodable why the body could not be read
 */
@Serdeable
public record DeadLetterDetail(
        DeadLetter letter,
        @Nullable PacketSummary packet,
        @Nullable RangeMessage range,
        @Nullable String undecodable) {

    /** What an intake packet holds, named by ids only. */
    @Serdeable
    public record PacketSummary(
            @JsonProperty("packet_id") String packetId,
            int emails,
            @JsonProperty("email_ids") List<String> emailIds,
            List<String> tenants) {
    }
}
