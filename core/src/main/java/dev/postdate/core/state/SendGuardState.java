package dev.postdate.core.state;

import java.time.Instant;

/**
 * The value of an email's send guard in Redis, parsed. Stored forms: absent, {@code cancelled},
 * {@code claimed:<worker>:<epoch millis>}, {@code sent:<provider message id>}.
 *
 * @param kind       which of the forms
 * @param worker     the claiming worker ({@link Kind#CLAIMED} only)
 * @param claimedAt  when it was claimed ({@link Kind#CLAIMED} only)
 * @param providerId the provider's message id ({@link Kind#SENT} only)
 */
public record SendGuardState(Kind kind, String worker, Instant claimedAt, String providerId) {

    public enum Kind { NONE, CANCELLED, CLAIMED, SENT }

    static final String CANCELLED_VALUE = "cancelled";
    static final String CLAIMED_PREFIX = "claimed:";
    static final String SENT_PREFIX = "sent:";

    public static final SendGuardState NONE = new SendGuardState(Kind.NONE, null, null, null);

    /** Parses a stored value; null (no key) is {@link #NONE}. */
    public static SendGuardState parse(String value) {
        if (value == null || value.isEmpty()) {
            return NONE;
        }
        if (value.equals(CANCELLED_VALUE)) {
            return new SendGuardState(Kind.CANCELLED, null, null, null);
        }
        if (value.startsWith(SENT_PREFIX)) {
            return new SendGuardState(Kind.SENT, null, null, value.substring(SENT_PREFIX.length()));
        }
        if (value.startsWith(CLAIMED_PREFIX)) {
            // The worker id has no ':' (checked on claim), so the last ':' separates the time.
            String rest = value.substring(CLAIMED_PREFIX.length());
            int colon = rest.lastIndexOf(':');
            return new SendGuardState(Kind.CLAIMED, rest.substring(0, colon),
                    Instant.ofEpochMilli(Long.parseLong(rest.substring(colon + 1))), null);
        }
        throw new IllegalStateException("Unknown send guard value of length " + value.length());
    }

    static String claimedValue(String worker, Instant at) {
        return CLAIMED_PREFIX + worker + ":" + at.toEpochMilli();
    }

    /** A cancel may still stop the email: nobody claimed or sent it. */
    public boolean allowsCancel() {
        return kind == Kind.NONE || kind == Kind.CANCELLED;
    }
}
