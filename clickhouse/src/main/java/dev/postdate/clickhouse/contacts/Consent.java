package dev.postdate.clickhouse.contacts;

import java.time.Instant;
import java.util.regex.Pattern;

/** A contact's answer for one topic: granted or withdrawn, when, and where the answer came from. */
public record Consent(boolean granted, Instant at, String source) {

    /** A topic's name: 1 to 64 of a-z 0-9 _ -, starting with a letter or digit. */
    public static final Pattern TOPIC = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
}
