package dev.postdate.core.campaign;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.transform.recurrence.Frequency;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a campaign's occurrences are planned: once {@code at} an instant, or by an RFC 5545 {@code rrule}
 * (expanded by ical4j) from a local {@code start} in {@code timezone}, until the rule's own COUNT or
 * UNTIL or the optional local {@code end}. Occurrences are numbered from 1 in the rule's order, so a
 * number names the same occurrence on every expander and after every restart.
 */
@Serdeable
public record CampaignSchedule(@Nullable Instant at, @Nullable String rrule, @Nullable LocalDateTime start,
                               @Nullable String timezone, @Nullable LocalDateTime end) {

    /** One planned occurrence; {@code planned} is in the schedule's zone (UTC for {@code at}). */
    public record Occurrence(int number, ZonedDateTime planned) {
    }

    public static CampaignSchedule once(Instant at) {
        return new CampaignSchedule(at, null, null, null, null);
    }

    public boolean recurring() {
        return rrule != null;
    }

    /**
     * The rule parsed, or an {@link IllegalArgumentException} saying what is wrong with it. Rules more
     * frequent than hourly are refused: a campaign is not a cron job, and every occurrence is a ledger.
     */
    public static Recur<ZonedDateTime> parse(String rrule) {
        Recur<ZonedDateTime> recur;
        try {
            recur = new Recur<>(rrule);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("is not an RFC 5545 recurrence rule: " + e.getMessage(), e);
        }
        if (recur.getFrequency() == Frequency.SECONDLY || recur.getFrequency() == Frequency.MINUTELY) {
            throw new IllegalArgumentException("must not repeat more often than hourly");
        }
        return recur;
    }

    /**
     * Under recipient-local delivery an occurrence is a date and the time of day is the delivery's: a
     * rule that fires more than once a day (hourly, several hours or minutes) would mail each recipient
     * that often at the same local time.
     *
     * @throws IllegalArgumentException saying so
     */
    public static void checkAtMostDaily(String rrule) {
        Recur<ZonedDateTime> recur = parse(rrule);
        if (recur.getFrequency() == Frequency.HOURLY || !recur.getHourList().isEmpty()
                || !recur.getMinuteList().isEmpty() || !recur.getSecondList().isEmpty()) {
            throw new IllegalArgumentException("with delivery.local_time, at most one occurrence a day: no FREQ=HOURLY,"
                    + " BYHOUR, BYMINUTE or BYSECOND (the local time gives the time of day)");
        }
    }

    /** Every occurrence planned at or before {@code until}, oldest first. */
    public List<Occurrence> plannedThrough(Instant until) {
        if (!recurring()) {
            return at.isAfter(until) ? List.of() : List.of(new Occurrence(1, at.atZone(ZoneId.of("UTC"))));
        }
        ZoneId zone = ZoneId.of(timezone);
        ZonedDateTime seed = start.atZone(zone);
        ZonedDateTime last = until.atZone(zone);
        if (end != null && end.atZone(zone).isBefore(last)) {
            last = end.atZone(zone);
        }
        if (last.isBefore(seed)) {
            return List.of();
        }
        List<ZonedDateTime> dates = parse(rrule).getDates(seed, seed, last.plusSeconds(1));
        List<Occurrence> occurrences = new ArrayList<>(dates.size());
        for (ZonedDateTime date : dates) {
            if (!date.isAfter(last)) {
                occurrences.add(new Occurrence(occurrences.size() + 1, date));
            }
        }
        return occurrences;
    }

    /** The first occurrence planned after {@code instant}, if any. */
    public Optional<Instant> nextAfter(Instant instant) {
        if (!recurring()) {
            return at.isAfter(instant) ? Optional.of(at) : Optional.empty();
        }
        ZoneId zone = ZoneId.of(timezone);
        ZonedDateTime seed = start.atZone(zone);
        ZonedDateTime after = instant.isBefore(seed.toInstant()) ? seed.minusSeconds(1) : instant.atZone(zone);
        ZonedDateTime next = parse(rrule).getNextDate(seed, after);
        if (next == null || end != null && next.isAfter(end.atZone(zone))) {
            return Optional.empty();
        }
        return Optional.of(next.toInstant());
    }
}
