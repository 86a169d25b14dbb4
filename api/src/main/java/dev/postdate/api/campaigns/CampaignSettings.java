package dev.postdate.api.campaigns;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * The campaign dry run's settings; defaults in application.yml, overridable as POSTDATE_CAMPAIGNS_*.
 *
 * @param dryRunSendRate    emails per second the ETA assumes for one campaign; 0: no limit
 * @param dryRunSamples     rendered samples by default
 * @param maxDryRunSamples  most rendered samples a request may ask for
 * @param dryRunListed      recipients named per missing template variable
 */
@ConfigurationProperties("postdate.campaigns")
public record CampaignSettings(@PositiveOrZero double dryRunSendRate, @PositiveOrZero int dryRunSamples,
                               @PositiveOrZero int maxDryRunSamples, @Positive int dryRunListed) {
}
