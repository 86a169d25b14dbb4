package dev.postdate.tracker;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/**
 * postdate.tracker (application.yml explains each).
 *
 * @param queue            the tracking queue the events go to, read by the feedback consumer
 * @param linger           how long an event waits for others to share its SQS message
 * @param eventsPerMessage most events in one SQS message
 * @param maxPending       events waiting for SQS at most; beyond, requests are refused with 503
 * @param publishTimeout   how long a request waits for its event to be on the queue before a 503
 */
@ConfigurationProperties("postdate.tracker")
public record TrackerSettings(@NotBlank String queue, @NotNull Duration linger, @Positive int eventsPerMessage,
                              @Positive int maxPending, @NotNull Duration publishTimeout) {
}
