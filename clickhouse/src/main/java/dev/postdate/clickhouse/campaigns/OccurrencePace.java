package dev.postdate.clickhouse.campaigns;

import dev.postdate.core.campaign.RateCap;
import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;

/**
 * Plans an occurrence's send times under its campaign's {@link RateCap}, page after page: the recipients
 * due at one instant (or, already due, at the occurrence's start) are spread from it in expansion
 * order. What each instant has planned so far is stored with the checkpoint
 * ({@link StoredOccurrence#paced()}), so a page published again after a crash gets the same times.
 */
public final class OccurrencePace {

    private final @Nullable RateCap cap;
    private final Instant started;
    private final Map<Long, Long> planned;

    public OccurrencePace(@Nullable RateCap cap, StoredOccurrence occurrence) {
        this.cap = cap;
        this.started = occurrence.startedAt().truncatedTo(ChronoUnit.SECONDS);
        this.planned = new TreeMap<>(occurrence.paced());
    }

    /** The send time of the next recipient due at {@code due}. */
    public Instant sendAt(Instant due) {
        if (cap == null) {
            return due;
        }
        Instant start = due.isAfter(started) ? due.truncatedTo(ChronoUnit.SECONDS) : started;
        long ordinal = planned.merge(start.getEpochSecond(), 1L, Long::sum) - 1;
        return cap.slot(start, ordinal);
    }

    /** Emails planned per starting instant (epoch second), to store with the checkpoint. */
    public Map<Long, Long> planned() {
        return Map.copyOf(planned);
    }
}
