package dev.postdate.core.time;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Timestamps in requests: RFC 3339 date-times only, so that no local-time guess is ever made. */
public final class Rfc3339 {

    /** RFC 3339 date-time (upper-cased): four-digit year, seconds required, 60 allowed for a leap second. */
    private static final Pattern RFC_3339 = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:(?<second>\\d{2})(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");

    private Rfc3339() {
    }

    /**
     * The instant, or null when the text is not RFC 3339. java.time has no leap seconds, so a leap
     * second (:60) is read as the second after it: mail is never sent before its time.
     */
    public static Instant instant(String value) {
        // RFC 3339 allows a lower-case 't' and 'z'.
        String text = value.toUpperCase(Locale.ROOT);
        Matcher m = RFC_3339.matcher(text);
        if (!m.matches()) {
            return null;
        }
        boolean leapSecond = m.group("second").equals("60");
        if (leapSecond) {
            text = text.substring(0, m.start("second")) + "59" + text.substring(m.end("second"));
        }
        try {
            Instant instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            return leapSecond ? instant.plusSeconds(1) : instant;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
