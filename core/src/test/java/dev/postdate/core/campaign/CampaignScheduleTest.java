package dev.postdate.core.campaign;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CampaignScheduleTest {

    private static final CampaignSchedule FORTNIGHTLY = new CampaignSchedule(null, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=8",
            LocalDate.parse("2026-12-07").atStartOfDay(), "Europe/Berlin", null);

    @Test
    void fortnightlyOccurrencesAreNumberedFromTheStartAndKeepTheirLocalHourAcrossDst() {
        List<CampaignSchedule.Occurrence> planned = FORTNIGHTLY.plannedThrough(Instant.parse("2027-04-13T00:00:00Z"));
        assertEquals(10, planned.size());
        assertEquals(1, planned.getFirst().number());
        assertEquals(ZonedDateTime.parse("2026-12-07T08:00+01:00[Europe/Berlin]"), planned.getFirst().planned());
        // 2027-03-28: Berlin moves to summer time; the occurrence after it is still at 08:00 local.
        assertEquals(ZonedDateTime.parse("2027-04-12T08:00+02:00[Europe/Berlin]"), planned.getLast().planned());
        assertEquals(10, planned.getLast().number());
    }

    @Test
    void countAndEndBoundTheOccurrences() {
        CampaignSchedule counted = new CampaignSchedule(null, "FREQ=DAILY;COUNT=3", LocalDateTime.parse("2026-12-07T09:30"),
                "America/New_York", null);
        assertEquals(3, counted.plannedThrough(Instant.parse("2027-12-01T00:00:00Z")).size());
        assertTrue(counted.nextAfter(Instant.parse("2026-12-10T00:00:00Z")).isEmpty());
        assertEquals(Instant.parse("2026-12-08T14:30:00Z"), counted.nextAfter(Instant.parse("2026-12-07T15:00:00Z")).orElseThrow());

        CampaignSchedule ended = new CampaignSchedule(null, "FREQ=DAILY", LocalDateTime.parse("2026-12-07T09:30"),
                "UTC", LocalDateTime.parse("2026-12-09T12:00"));
        assertEquals(3, ended.plannedThrough(Instant.parse("2027-12-01T00:00:00Z")).size());
        assertTrue(ended.nextAfter(Instant.parse("2026-12-09T10:00:00Z")).isEmpty());
    }

    @Test
    void theFirstOccurrenceIsTheFirstTheRuleMatchesNotTheStart() {
        // 2026-12-07 is a Monday; the rule wants Wednesdays.
        CampaignSchedule wednesdays = new CampaignSchedule(null, "FREQ=WEEKLY;BYDAY=WE", LocalDateTime.parse("2026-12-07T08:00"),
                "Europe/Berlin", null);
        assertEquals(Instant.parse("2026-12-09T07:00:00Z"), wednesdays.nextAfter(Instant.parse("2026-12-01T00:00:00Z")).orElseThrow());
    }

    @Test
    void aOneOffHasOneOccurrence() {
        CampaignSchedule once = CampaignSchedule.once(Instant.parse("2026-12-07T07:00:00Z"));
        assertEquals(List.of(), once.plannedThrough(Instant.parse("2026-12-07T06:59:59Z")));
        assertEquals(1, once.plannedThrough(Instant.parse("2026-12-07T07:00:00Z")).getFirst().number());
        assertTrue(once.nextAfter(Instant.parse("2026-12-07T07:00:00Z")).isEmpty());
    }

    @Test
    void rulesThatAreNotRrulesOrRepeatFasterThanHourlyAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CampaignSchedule.parse("FREQ=FORTNIGHTLY"));
        assertThrows(IllegalArgumentException.class, () -> CampaignSchedule.parse("FREQ=DAILY;BYHOUR=25"));
        assertThrows(IllegalArgumentException.class, () -> CampaignSchedule.parse("FREQ=MINUTELY"));
        CampaignSchedule.parse("FREQ=HOURLY;INTERVAL=6");
    }
}
