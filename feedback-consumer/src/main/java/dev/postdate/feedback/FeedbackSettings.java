package dev.postdate.feedback;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/**
 * postdate.feedback (application.yml explains each).
 *
 * @param queue                 the queue SES's notifications arrive on
 * @param concurrency           long polls at once
 * @param trackingQueue         the queue the tracker puts opens, clicks and unsubscribes on
 * @param trackingConcurrency   long polls of the tracking queue at once
 * @param receiveWait           one long poll's wait, at most {@code stopGrace}
 * @param visibilityTimeout     how long a received notification stays hidden while it is handled
 * @param stopGrace             on SIGTERM, how long notifications in hand may take
 * @param lookupRetry           times the receives: when a notification whose email is not found is seen again
 * @param failureBackoff        times the receives: when a notification that failed otherwise is seen again
 * @param retryInitialBackoff   first pause after a failed receive (SQS unreachable), doubling up to the max
 * @param retryMaxBackoff       longest pause between failed receives
 * @param softBounceLimit       transient bounces within {@code softBounceWindow} that suppress an address
 * @param softBounceWindow      the span those bounces are counted over
 * @param softBounceSuppression how long such a suppression lasts
 */
@ConfigurationProperties("postdate.feedback")
public record FeedbackSettings(
        @NotBlank String queue,
        @Positive int concurrency,
        @NotBlank String trackingQueue,
        @Positive int trackingConcurrency,
        @NotNull Duration receiveWait,
        @NotNull Duration visibilityTimeout,
        @NotNull Duration stopGrace,
        @NotNull Duration lookupRetry,
        @NotNull Duration failureBackoff,
        @NotNull Duration retryInitialBackoff,
        @NotNull Duration retryMaxBackoff,
        @Positive int softBounceLimit,
        @NotNull Duration softBounceWindow,
        @NotNull Duration softBounceSuppression) {
}
