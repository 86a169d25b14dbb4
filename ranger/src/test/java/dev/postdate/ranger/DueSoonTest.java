package dev.postdate.ranger;

import dev.postdate.core.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The gauge a scaler reads ahead of a burst, against real ClickHouse with the clock moved. */
class DueSoonTest {

    private static final Instant NOW = Instant.parse("2031-03-01T19:30:00Z");

    @Test
    void countsTheBurstComingInTheWindowAndNotWhatIsDueAlreadyOrLater() throws Exception {
        try (RangerFixture fixture = new RangerFixture(DueSoonTest.class, Duration.ofSeconds(30))) {
            // "At 8 PM": a burst of 3,000 due at 20:00 (one redelivered copy of 500 of them), 400 at 20:40,
            // and 250 due already.
            List<long[]> rows = new ArrayList<>();
            long seq = 1;
            for (int i = 0; i < 3000; i++) {
                rows.add(new long[]{NOW.plus(Duration.ofMinutes(30)).getEpochSecond(), seq++});
            }
            for (int i = 0; i < 500; i++) {
                rows.add(rows.get(i));
            }
            for (int i = 0; i < 400; i++) {
                rows.add(new long[]{NOW.plus(Duration.ofMinutes(70)).getEpochSecond(), seq++});
            }
            for (int i = 0; i < 250; i++) {
                rows.add(new long[]{NOW.minus(Duration.ofMinutes(1)).getEpochSecond(), seq++});
            }
            fixture.insert(rows);

            MutableClock clock = new MutableClock(NOW);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DueSoon dueSoon = new DueSoon(fixture.readyEmails, new DueSoonSettings(Duration.ofMinutes(15),
                    Duration.ofSeconds(15)), clock, registry);

            assertEquals(0, dueSoon.refresh(), "at 19:30 nothing falls due by 19:45");
            clock.set(NOW.plus(Duration.ofMinutes(16)));
            assertEquals(3000, dueSoon.refresh(), 30, "at 19:46 the 8 PM burst is ahead (uniq: within 1 %)");
            assertEquals(dueSoon.emails(), registry.get("postdate.ranger.due_soon.emails").gauge().value());
            assertEquals(900, registry.get("postdate.ranger.due_soon.window.seconds").gauge().value());
            clock.set(NOW.plus(Duration.ofMinutes(31)));
            assertEquals(0, dueSoon.refresh(), "at 20:01 the burst is due: the ready backlog, not the window's");
            clock.set(NOW.plus(Duration.ofMinutes(60)));
            assertEquals(400, dueSoon.refresh(), 4);
        }
    }
}
