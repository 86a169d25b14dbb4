package dev.postdate.worker.ratelimit;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * The fleet-wide send rate, per sender. Tenant limits are read from
 * {@code postdate.worker.rate-limit.tenants.<tenant>: N} (see {@link FleetRateLimiter}).
 *
 * @param perSecond     emails per second for the whole fleet on this sender; 0 = unlimited
 * @param defaultTenantPerSecond emails per second per tenant when the tenant has no own limit; 0 = none
 * @param windowMargin  added to the one-second window, so that the gap between taking a permit and
 *                      the provider call cannot push two windows' sends into one clock second
 */
@ConfigurationProperties("postdate.worker.rate-limit")
public record RateLimitSettings(
        @Bindable(defaultValue = "0") int perSecond,
        @Bindable(defaultValue = "0") int defaultTenantPerSecond,
        @Bindable(defaultValue = "25ms") Duration windowMargin) {
}
