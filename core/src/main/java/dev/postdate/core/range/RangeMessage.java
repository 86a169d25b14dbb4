package dev.postdate.core.range;

import io.micronaut.serde.annotation.Serdeable;

/**
 * One unit of work for a worker, as the ranger puts it on the ranges queue.
 *
 * @param rangeId  {@link RangeId#of} the bounds: a range the ranger emits again after a restart carries
 *                 the same id, a worker drops ids already completed, and different ranges never share one
 * @param tick     the ranger tick that cut it
 * @param bounds   the emails it covers
 * @param expected how many distinct emails the bounds held when cut; a worker that reads fewer is
 *                 looking at a lagging replica and retries instead of sending half the range
 * @param fence    the ranger leader's fencing token, for tracing a range to the leader that cut it
 */
@Serdeable
public record RangeMessage(String rangeId, long tick, RangeBounds bounds, int expected, long fence) {
}
