package dev.postdate.core.campaign;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Delivery at a wall-clock time in each recipient's own zone on the occurrence's date. A contact
 * without a valid IANA zone gets {@code fallbackTimezone}. A time that does not exist that day (a DST
 * gap) moves forward by the gap; an ambiguous one (a DST overlap) takes the first, earlier instant:
 * {@link ZonedDateTime#ofLocal} does exactly that.
 */
@Serdeable
public record LocalDelivery(LocalTime localTime, String fallbackTimezone, IfPassed ifPassed) {

    /** What to do for a recipient whose local time has already passed when the occurrence is expanded. */
    @Serdeable
    public enum IfPassed {
        @JsonProperty("send_now") SEND_NOW,
        @JsonProperty("next_day") NEXT_DAY,
        @JsonProperty("skip") SKIP;

        public String wireName() {
            return name().toLowerCase();
        }
    }

    /** The earliest zone on Earth: its clocks reach a date's local time first. */
    private static final ZoneOffset EARLIEST = ZoneOffset.ofHours(14);
    /** The latest zone on Earth. */
    private static final ZoneOffset LATEST = ZoneOffset.ofHours(-12);

    /** When a recipient is planned, and when it is sent (later than planned only under {@code next_day} or {@code send_now}). */
    public record Slot(Instant planned, Instant sendAt) {
    }

    /** The recipient's slot on {@code date}, or empty when its time passed and the policy is {@code skip}. */
    public Optional<Slot> slot(LocalDate date, @Nullable String contactZone, Instant now) {
        ZoneId zone = zoneOf(contactZone);
        Instant planned = at(date, zone);
        if (!planned.isBefore(now)) {
            return Optional.of(new Slot(planned, planned));
        }
        return switch (ifPassed) {
            case SEND_NOW -> Optional.of(new Slot(planned, now));
            case SKIP -> Optional.empty();
            case NEXT_DAY -> {
                Instant next = at(date.plusDays(1), zone);
                yield Optional.of(new Slot(next, next.isBefore(now) ? now : next));
            }
        };
    }

    /** The first instant any recipient can be due on {@code date}: its local time at UTC+14. */
    public Instant earliest(LocalDate date) {
        return date.atTime(localTime).toInstant(EARLIEST);
    }

    /** The last instant any recipient can be due on {@code date}: its local time at UTC-12. */
    public Instant latest(LocalDate date) {
        return date.atTime(localTime).toInstant(LATEST);
    }

    private Instant at(LocalDate date, ZoneId zone) {
        return ZonedDateTime.ofLocal(date.atTime(localTime), zone, null).toInstant();
    }

    /** The zone a contact's mail is timed in: its own when valid, else the fallback. */
    public ZoneId zoneOf(@Nullable String contactZone) {
        if (contactZone != null && !contactZone.isEmpty()) {
            try {
                return ZoneId.of(contactZone);
            } catch (DateTimeException e) {
                // A contact's zone is checked when stored; one that no longer resolves falls back.
            }
        }
        return ZoneId.of(fallbackTimezone);
    }
}
