package dev.postdate.clickhouse.status;

import dev.postdate.core.state.EmailStatus;

import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;

/** SQL fragments the status stores (and tools that read states, like the demo) share. */
public final class StatusSql {

    private StatusSql() {
    }

    static String dateTime(Instant at) {
        return "toDateTime(" + at.getEpochSecond() + ", 'UTC')";
    }

    static Instant instant(String epochSeconds) {
        return Instant.ofEpochSecond(Long.parseLong(epochSeconds));
    }

    /**
     * The precedence of a state column as a number, in {@link EmailStatus} declaration order, so
     * "the state of an email" is {@code max()} of it over the email's events.
     */
    public static String precedence(String column) {
        EmailStatus[] states = EmailStatus.values();
        String names = Arrays.stream(states).map(s -> "'" + s.wireName() + "'").collect(Collectors.joining(","));
        String ordinals = Arrays.stream(states).map(s -> Integer.toString(s.ordinal())).collect(Collectors.joining(","));
        return "transform(" + column + ", [" + names + "], [" + ordinals + "], 0)";
    }

    /** {@code 'sent', 'failed', ...}: the states that settle an email for good ({@link EmailStatus#isFinal}), for IN lists. */
    public static String finalStates() {
        return Arrays.stream(EmailStatus.values()).filter(EmailStatus::isFinal).map(s -> "'" + s.wireName() + "'")
                .collect(Collectors.joining(", "));
    }
}
