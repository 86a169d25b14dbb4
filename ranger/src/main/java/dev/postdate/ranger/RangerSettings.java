package dev.postdate.ranger;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * @param tickInterval  time between ticks
 * @param rangeSize     emails per range (the last range of a tick may hold fewer)
 * @param maxRangesPerTick ranges one step of a tick cuts at most: bounds the ranger's memory and the
 *                      time between lease renewals; a larger tick continues in the next step at once
 * @param leaseDuration how long a leader's lease lasts without renewal: a standby takes over at
 *                      most this long after the leader died or hung
 * @param instanceId    names this process in the lease; unique per ranger process
 * @param stopGrace     on shutdown, how long a tick in progress may take to finish before the lease
 *                      is released anyway (its writes are then fenced out)
 */
@ConfigurationProperties("postdate.ranger")
public record RangerSettings(
        @NotNull Duration tickInterval,
        @Min(1) int rangeSize,
        @Min(1) int maxRangesPerTick,
        @NotNull Duration leaseDuration,
        @NotNull String instanceId,
        @NotNull Duration stopGrace) {
}
