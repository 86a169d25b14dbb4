package dev.postdate.core.campaign;

import io.micronaut.serde.annotation.Serdeable;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A campaign's pace: at most {@code emails} per {@code per}. The expander applies it when it plans send
 * times, so the pace is durable with the emails themselves: the recipients due at one instant are spread
 * from it, the k-th one at {@code start + floor(k * per / emails)}, to the whole second (docs/campaigns.md,
 * "Rate cap").
 */
@Serdeable
public record RateCap(long emails, Duration per) {

    public RateCap {
        if (emails < 1 || per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException("a rate cap needs emails >= 1 and a positive period");
        }
    }

    /** When the {@code ordinal}-th (from 0) of the recipients due at {@code start} goes out. */
    public Instant slot(Instant start, long ordinal) {
        return start.plusMillis(Math.multiplyExact(ordinal, per.toMillis()) / emails)
                .truncatedTo(ChronoUnit.SECONDS);
    }

    /** How many of {@code n} recipients due at {@code start} (a whole second) go out before {@code end}. */
    public long before(Instant start, long n, Instant end) {
        long millis = Duration.between(start, end).toMillis();
        if (millis <= 0) {
            return 0;
        }
        long k = (millis * emails + per.toMillis() - 1) / per.toMillis();
        return Math.min(n, k);
    }

    /** The most emails it lets out in one second. */
    public long perSecondAtMost() {
        return (emails * 1000 + per.toMillis() - 1) / per.toMillis();
    }
}
