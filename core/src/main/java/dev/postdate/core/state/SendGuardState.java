package dev.postdate.core.state;

import java.time.Instant;

/**
 * The value of an email's send guard in Redis, parsed. Stored forms: absent, {@code cancelled},
 * {@code claimed:<worker>:<epoch millis>} (taken, the provider not called yet),
 * {@code sending:<worker>:<epoch millis of the claim>} (the provider call may have begun),
 * {@code sent:<provider message id>}, {@code resend:<epoch millis>} (an in-doubt email the tenant allowed
 * to be sent once more).
 *
 * @param kind       which of the forms
 * @param worker     the claiming worker ({@link Kind#CLAIMED} and {@link Kind#SENDING} only)
 * @param claimedAt  when it was claimed ({@link Kind#CLAIMED} and {@link Kind#SENDING}) or the resend
 *                   allowed ({@link Kind#RESEND})
 * @param providerId the provider's message id ({@link Kind#SENT} only)
 */
public record SendGuardState(Kind kind, String worker, Instant claimedAt, String providerId) {

    public enum Kind { NONE, CANCELLED, CLAIMED, SENDING, SENT, RESEND }

    static final String CANCELLED_VALUE = "cancelled";
    static final String CLAIMED_PREFIX = "claimed:";
    static final String SENDING_PREFIX = "sending:";
    static final String SENT_PREFIX = "sent:";
    static final String RESEND_PREFIX = "resend:";

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
            return held(Kind.CLAIMED, value.substring(CLAIMED_PREFIX.length()));
        }
        if (value.startsWith(SENDING_PREFIX)) {
            return held(Kind.SENDING, value.substring(SENDING_PREFIX.length()));
        }
        if (value.startsWith(RESEND_PREFIX)) {
            return new SendGuardState(Kind.RESEND, null,
                    Instant.ofEpochMilli(Long.parseLong(value.substring(RESEND_PREFIX.length()))), null);
        }
        throw new IllegalStateException("Unknown send guard value of length " + value.length());
    }

    private static SendGuardState held(Kind kind, String rest) {
        // The worker id has no ':' (checked on claim), so the last ':' separates the time.
        int colon = rest.lastIndexOf(':');
        return new SendGuardState(kind, rest.substring(0, colon),
                Instant.ofEpochMilli(Long.parseLong(rest.substring(colon + 1))), null);
    }

    static String claimedValue(String worker, Instant at) {
        return CLAIMED_PREFIX + worker + ":" + at.toEpochMilli();
    }

    static String sendingValue(String worker, Instant claimedAt) {
        return SENDING_PREFIX + worker + ":" + claimedAt.toEpochMilli();
    }

    /** The stored form of a claimed or sending state (what a compare-and-set compares with). */
    String storedValue() {
        return switch (kind) {
            case CLAIMED -> claimedValue(worker, claimedAt);
            case SENDING -> sendingValue(worker, claimedAt);
            case CANCELLED -> CANCELLED_VALUE;
            case SENT -> SENT_PREFIX + providerId;
            case RESEND -> RESEND_PREFIX + claimedAt.toEpochMilli();
            case NONE -> "";
        };
    }

    /** A cancel may still stop the email: nobody claimed or sent it. */
    public boolean allowsCancel() {
        return kind == Kind.NONE || kind == Kind.CANCELLED;
    }
}
