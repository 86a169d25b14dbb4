package dev.postdate.core.state;

import java.util.Locale;

/**
 * What a client sees as an email's state. Declared in precedence order: when an email has several
 * recorded events, the one declared last wins, so a late {@code queued} row can never hide a
 * {@code sent}. Status reads in ClickHouse derive the precedence from this order.
 */
public enum EmailStatus {
    SCHEDULED,
    QUEUED,
    IN_DOUBT,
    CANCELLED,
    /** Not sent: the recipient is suppressed, not active, or has not consented to the email's topic. */
    SUPPRESSED,
    /** Not sent: its {@code expires_at} (a campaign's {@code expire_after}) passed before it could go out. */
    EXPIRED,
    FAILED,
    SENT;

    // Computed once: a worker writes it for every email it settles.
    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The name used in the API, in ClickHouse events and in the docs. */
    public String wireName() {
        return wireName;
    }

    public static EmailStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** Neither sent nor finally failed nor cancelled: a cancel can still stop it. */
    public boolean isPending() {
        return this == SCHEDULED || this == QUEUED;
    }

    /** Settled for good: sent, failed, cancelled, suppressed or expired (in doubt is not: an operator may resend). */
    public boolean isFinal() {
        return !isPending() && this != IN_DOUBT;
    }

    public EmailStatus max(EmailStatus other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
