package dev.postdate.core.campaign;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Recipient-local delivery across DST changes in three zones, the fallback zone, and the if_passed policies. */
class LocalDeliveryTest {

    private static final Instant EARLY = Instant.parse("2026-01-01T00:00:00Z");

    private static Instant sendAt(String localTime, String date, String zone) {
        return new LocalDelivery(LocalTime.parse(localTime), "UTC", LocalDelivery.IfPassed.NEXT_DAY)
                .slot(LocalDate.parse(date), zone, EARLY).orElseThrow().sendAt();
    }

    @Test
    void eightAmIsEightAmLocalOnBothSidesOfEachZonesDstChange() {
        // Berlin: CET (+1) before 2027-03-28, CEST (+2) after.
        assertEquals(Instant.parse("2027-03-27T07:00:00Z"), sendAt("08:00", "2027-03-27", "Europe/Berlin"));
        assertEquals(Instant.parse("2027-03-29T06:00:00Z"), sendAt("08:00", "2027-03-29", "Europe/Berlin"));
        // New York: EST (-5) before 2027-03-14, EDT (-4) after.
        assertEquals(Instant.parse("2027-03-13T13:00:00Z"), sendAt("08:00", "2027-03-13", "America/New_York"));
        assertEquals(Instant.parse("2027-03-15T12:00:00Z"), sendAt("08:00", "2027-03-15", "America/New_York"));
        // Sydney, southern hemisphere: AEDT (+11) until 2027-04-04, AEST (+10) after.
        assertEquals(Instant.parse("2027-04-02T21:00:00Z"), sendAt("08:00", "2027-04-03", "Australia/Sydney"));
        assertEquals(Instant.parse("2027-04-04T22:00:00Z"), sendAt("08:00", "2027-04-05", "Australia/Sydney"));
    }

    @Test
    void aTimeInTheSpringGapMovesForwardByTheGap() {
        // 02:30 does not exist in Berlin on 2027-03-28 (02:00 CET jumps to 03:00 CEST): it becomes 03:30 CEST.
        assertEquals(Instant.parse("2027-03-28T01:30:00Z"), sendAt("02:30", "2027-03-28", "Europe/Berlin"));
        // New York, 2027-03-14: 02:30 becomes 03:30 EDT.
        assertEquals(Instant.parse("2027-03-14T07:30:00Z"), sendAt("02:30", "2027-03-14", "America/New_York"));
        // Sydney, 2026-10-04: 02:30 becomes 03:30 AEDT.
        assertEquals(Instant.parse("2026-10-03T16:30:00Z"), sendAt("02:30", "2026-10-04", "Australia/Sydney"));
    }

    @Test
    void anAmbiguousAutumnTimeTakesTheFirstOfItsTwoInstants() {
        // Berlin, 2026-10-25: 02:30 happens in CEST (+2) and again in CET (+1); the first is 00:30 UTC.
        assertEquals(Instant.parse("2026-10-25T00:30:00Z"), sendAt("02:30", "2026-10-25", "Europe/Berlin"));
        // New York, 2026-11-01: 01:30 EDT (-4) comes first.
        assertEquals(Instant.parse("2026-11-01T05:30:00Z"), sendAt("01:30", "2026-11-01", "America/New_York"));
        // Sydney, 2027-04-04: 02:30 AEDT (+11) comes first.
        assertEquals(Instant.parse("2027-04-03T15:30:00Z"), sendAt("02:30", "2027-04-04", "Australia/Sydney"));
    }

    @Test
    void contactsWithoutAValidZoneGetTheFallback() {
        LocalDelivery delivery = new LocalDelivery(LocalTime.parse("08:00"), "Asia/Tokyo", LocalDelivery.IfPassed.SKIP);
        Instant tokyo = Instant.parse("2026-12-06T23:00:00Z");
        assertEquals(tokyo, delivery.slot(LocalDate.parse("2026-12-07"), "", EARLY).orElseThrow().sendAt());
        assertEquals(tokyo, delivery.slot(LocalDate.parse("2026-12-07"), null, EARLY).orElseThrow().sendAt());
        assertEquals(tokyo, delivery.slot(LocalDate.parse("2026-12-07"), "Mars/Olympus_Mons", EARLY).orElseThrow().sendAt());
    }

    @Test
    void aPassedLocalTimeIsSentNowMovedToTheNextDayOrSkipped() {
        LocalDate date = LocalDate.parse("2026-12-07");
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        Instant plannedBerlin = Instant.parse("2026-12-07T07:00:00Z");
        assertEquals(new LocalDelivery.Slot(plannedBerlin, now),
                policy(LocalDelivery.IfPassed.SEND_NOW).slot(date, "Europe/Berlin", now).orElseThrow());
        assertEquals(Instant.parse("2026-12-08T07:00:00Z"),
                policy(LocalDelivery.IfPassed.NEXT_DAY).slot(date, "Europe/Berlin", now).orElseThrow().sendAt());
        assertEquals(Optional.empty(), policy(LocalDelivery.IfPassed.SKIP).slot(date, "Europe/Berlin", now));
        // Not passed yet in New York (13:00 UTC): every policy sends at the local time.
        assertEquals(Instant.parse("2026-12-07T13:00:00Z"),
                policy(LocalDelivery.IfPassed.SKIP).slot(date, "America/New_York", now).orElseThrow().sendAt());
    }

    @Test
    void theDayStartsAtUtcPlus14AndEndsAtUtcMinus12() {
        LocalDelivery delivery = policy(LocalDelivery.IfPassed.SKIP);
        LocalDate date = LocalDate.parse("2026-12-07");
        assertEquals(Instant.parse("2026-12-06T18:00:00Z"), delivery.earliest(date));
        assertEquals(Instant.parse("2026-12-07T20:00:00Z"), delivery.latest(date));
        assertEquals(delivery.earliest(date),
                delivery.slot(date, "Pacific/Kiritimati", EARLY).orElseThrow().sendAt());
    }

    private static LocalDelivery policy(LocalDelivery.IfPassed ifPassed) {
        return new LocalDelivery(LocalTime.parse("08:00"), "UTC", ifPassed);
    }
}
