package dev.postdate.clickhouse.contacts;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Whether a contact may be mailed: only {@link #ACTIVE} ones are. */
public enum ContactStatus {
    ACTIVE, UNSUBSCRIBED, BOUNCED, COMPLAINED;

    /** The name in the API and in ClickHouse. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ContactStatus> of(String wireName) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(wireName)).findFirst();
    }
}
