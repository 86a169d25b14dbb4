package dev.postdate.core.range;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The predicate of one range, bounded on both sides of the sort key so that ClickHouse 18.16 reads
 * it without sorting the table: {@code sendAtAfter < send_at <= sendAtUpTo},
 * {@code seqAfter < seq <= seqUpTo} and {@code keyAfter < (send_at, seq) <= keyUpTo}; a null key
 * bound is no bound. Times are epoch seconds.
 */
@Serdeable
public record RangeBounds(
        long sendAtAfter,
        long sendAtUpTo,
        long seqAfter,
        long seqUpTo,
        @Nullable EmailKey keyAfter,
        @Nullable EmailKey keyUpTo) {
}
