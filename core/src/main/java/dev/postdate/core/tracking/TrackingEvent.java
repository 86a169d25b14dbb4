package dev.postdate.core.tracking;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

/**
 * What the tracker saw, as it travels on the tracking queue to the feedback consumer (docs/tracking.md).
 *
 * @param id    random (or the unsubscribe mail's id), the same in every copy SQS may deliver: the event is
 *              recorded once
 * @param type  {@code opened}, {@code clicked} or {@code unsubscribed}
 * @param scope an unsubscribe's reach: {@code topic} (the token's topic) or {@code all}; empty otherwise
 * @param link  a click's link number, 0 otherwise
 * @param url   a click's destination, empty otherwise
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TrackingEvent(String id, String type, String tenant, @JsonProperty("email_id") String emailId,
                            @JsonProperty("batch_id") String batchId, String recipient, String topic, String scope,
                            int link, String url, @JsonProperty("at_ms") long atMs) {

    public static final String OPENED = "opened";
    public static final String CLICKED = "clicked";
    public static final String UNSUBSCRIBED = "unsubscribed";
    public static final String SCOPE_TOPIC = "topic";
    public static final String SCOPE_ALL = "all";

    /** The event a token's use makes: what the token names, with this id, type, scope and time. */
    public static TrackingEvent of(String id, String type, TrackingToken token, String scope, long atMs) {
        return new TrackingEvent(id, type, token.tenant(), token.emailId(), token.batchId(), token.recipient(),
                token.topic(), scope, token.link(), token.url(), atMs);
    }

    /** An unsubscribe's reach: all mail when the token names no topic or the recipient asks for all. */
    public static String unsubscribeScope(TrackingToken token, boolean all) {
        return token.topic().isEmpty() || all ? SCOPE_ALL : SCOPE_TOPIC;
    }
}
