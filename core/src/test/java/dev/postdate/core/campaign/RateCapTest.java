package dev.postdate.core.campaign;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateCapTest {

    private static final Instant START = Instant.parse("2030-01-07T07:00:00Z");

    @Test
    void slotsKeepThePaceInEverySecondAndCountBeforeAgrees() {
        for (RateCap cap : new RateCap[]{new RateCap(7, Duration.ofSeconds(10)), new RateCap(1000, Duration.ofMinutes(1)),
                new RateCap(250, Duration.ofSeconds(1))}) {
            Map<Instant, Integer> perSecond = new TreeMap<>();
            Instant previous = START;
            for (int k = 0; k < 5000; k++) {
                Instant slot = cap.slot(START, k);
                assertTrue(!slot.isBefore(previous), "slots never go back");
                previous = slot;
                perSecond.merge(slot, 1, Integer::sum);
            }
            assertTrue(perSecond.values().stream().allMatch(n -> n <= cap.perSecondAtMost()), cap + " " + perSecond);
            for (int s = 0; s < 200; s++) {
                Instant end = START.plusSeconds(s);
                long sent = perSecond.entrySet().stream().filter(e -> e.getKey().isBefore(end)).mapToLong(Map.Entry::getValue).sum();
                assertEquals(sent, cap.before(START, 5000, end), cap + " before +" + s + "s");
            }
        }
    }

    @Test
    void aThousandPerMinuteTakesAMinuteForAThousand() {
        RateCap cap = new RateCap(1000, Duration.ofMinutes(1));
        assertEquals(START, cap.slot(START, 0));
        assertEquals(START.plusSeconds(59), cap.slot(START, 999));
        assertEquals(START.plusSeconds(60), cap.slot(START, 1000));
        assertEquals(17, cap.perSecondAtMost());
    }

    @Test
    void aCapNeedsEmailsAndAPeriod() {
        assertThrows(IllegalArgumentException.class, () -> new RateCap(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new RateCap(5, Duration.ZERO));
    }
}
