package dev.postdate.core.tracking;

/**
 * What a tracking link names (docs/tracking.md). Anonymous tokens carry an empty {@code emailId} and
 * {@code recipient}: the event is counted for the batch, tied to no one.
 *
 * @param batchId   the email's batch, empty for none (a campaign occurrence's batch for its emails)
 * @param topic     an unsubscribe token's consent topic, empty: unsubscribe from all the tenant's mail
 * @param link      a click token's link number in the body (from 1), 0 otherwise
 * @param url       a click token's destination, empty otherwise
 */
public record TrackingToken(Kind kind, String tenant, String emailId, String batchId, String recipient,
                            String topic, int link, String url) {

    public enum Kind {
        CLICK, OPEN, UNSUBSCRIBE
    }

    public TrackingToken {
        if (kind == Kind.UNSUBSCRIBE && recipient.isEmpty()) {
            throw new IllegalArgumentException("an unsubscribe token names its recipient");
        }
        if (kind == Kind.CLICK && url.isEmpty()) {
            throw new IllegalArgumentException("a click token names its destination");
        }
    }
}
