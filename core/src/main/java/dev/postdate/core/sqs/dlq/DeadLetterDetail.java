package dev.postdate.core.sqs.dlq;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.core.range.RangeMessage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * One dead letter with a summary of its body that carries no personal data: for an intake packet its
 * ids and tenants (never addresses or content), for a range the range itself, for an SES notification
 * its type and the provider's message id, for tracking events their count, types and tenants (never
 * recipients or links). Exactly one of {@code packet}, {@code range}, {@code notification},
 * {@code tracking} and {@code undecodable} is set.
 *
 * @param undecodable why the body could not be read
 */
@Serdeable
public record DeadLetterDetail(
        DeadLetter letter,
        @Nullable PacketSummary packet,
        @Nullable RangeMessage range,
        @Nullable NotificationSummary notification,
        @Nullable TrackingSummary tracking,
        @Nullable String undecodable) {

    /** What an intake packet holds, named by ids only. */
    @Serdeable
    public record PacketSummary(
            @JsonProperty("packet_id") String packetId,
            int emails,
            @JsonProperty("email_ids") List<String> emailIds,
            List<String> tenants) {
    }

    /** An SES notification (raw or in its SNS envelope): its type and the sent mail's provider id. */
    @Serdeable
    public record NotificationSummary(String type, @JsonProperty("provider_message_id") @Nullable String providerMessageId) {
    }

    /** A message of tracking events: how many, of which types and tenants. */
    @Serdeable
    public record TrackingSummary(int events, List<String> types, List<String> tenants) {
    }

    static DeadLetterDetail of(DeadLetter letter, PacketSummary packet) {
        return new DeadLetterDetail(letter, packet, null, null, null, null);
    }

    static DeadLetterDetail of(DeadLetter letter, RangeMessage range) {
        return new DeadLetterDetail(letter, null, range, null, null, null);
    }

    static DeadLetterDetail of(DeadLetter letter, NotificationSummary notification) {
        return new DeadLetterDetail(letter, null, null, notification, null, null);
    }

    static DeadLetterDetail of(DeadLetter letter, TrackingSummary tracking) {
        return new DeadLetterDetail(letter, null, null, null, tracking, null);
    }

    static DeadLetterDetail undecodable(DeadLetter letter, String why) {
        return new DeadLetterDetail(letter, null, null, null, null, why);
    }
}
