package dev.postdate.core.intake;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * How the arrival sequence recovers when Redis lost writes (docs/ingest.md, "Redis loses data").
 *
 * @param reseedBarrier how long the horizon stays where it was after Redis lost writes: at least the
 *                      ingest consumers' seq lease, so that every insert in flight at the loss ended
 * @param reseedJump    how far the counter jumps above everything known: more numbers than the
 *                      consumers can hand out in the writes a Redis loses (AOF everysec: ~1 s)
 */
@ConfigurationProperties("postdate.arrival")
public record ArrivalSettings(@Bindable(defaultValue = "65s") Duration reseedBarrier,
                              @Bindable(defaultValue = "1000000000") long reseedJump) {
}
