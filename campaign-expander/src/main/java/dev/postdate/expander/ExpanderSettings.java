package dev.postdate.expander;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/**
 * The expander's settings; defaults in application.yml, overridable as POSTDATE_EXPANDER_*.
 *
 * @param interval   how often it looks for occurrences to start or continue
 * @param lead       how long before an occurrence's first recipient is due its expansion starts
 * @param chunk      recipients published to the intake queue and checkpointed together
 * @param claimTtl   how long a claim on an occurrence keeps other expanders away (renewed per chunk)
 * @param instanceId this process's name in claims
 * @param writeAttempts attempts to record a page on SQS (its ledger entries and checkpoint) before the
 *                   round gives up and a later one publishes the page again
 */
@ConfigurationProperties("postdate.expander")
public record ExpanderSettings(@NotNull Duration interval, @NotNull Duration lead, @Positive int chunk,
                               @NotNull Duration claimTtl, @NotBlank String instanceId, @Positive int writeAttempts,
                               @Positive int maxPacketBytes, @Positive int maxSqsCallBytes,
                               @Positive int sqsMaxInFlight, @Positive int sqsAttempts) {
}
