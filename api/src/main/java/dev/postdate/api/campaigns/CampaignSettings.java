package dev.postdate.api.campaigns;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import java.time.Duration;

/**
 * The campaign dry run's settings; defaults in application.yml, overridable as POSTDATE_CAMPAIGNS_*.
 *
 * @param dryRunSendRate    emails per second the ETA assumes for one campaign; 0: no limit
 * @param dryRunSamples     rendered samples by default
 * @param maxDryRunSamples  most rendered samples a request may ask for
 * @param dryRunListed      recipients named per missing template variable
 * @param rateWindow        the recent span an occurrence's send rate (and so its ETA) is measured over
 */
@ConfigurationProperties("postdate.campaigns")
public record CampaignSettings(@PositiveOrZero double dryRunSendRate, @PositiveOrZero int dryRunSamples,
                               @PositiveOrZero int maxDryRunSamples, @Positive int dryRunListed,
                               @NotNull Duration rateWindow) {
}
