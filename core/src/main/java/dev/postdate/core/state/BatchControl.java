package dev.postdate.core.state;

import java.util.Locale;

/** A batch's send-time control. {@link #CANCELLED} is final. */
public enum BatchControl {
    ACTIVE,
    PAUSED,
    CANCELLED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the Redis value; no key means active. */
    static BatchControl fromStored(String value) {
        return value == null || value.isEmpty() ? ACTIVE : valueOf(value.toUpperCase(Locale.ROOT));
    }
}
