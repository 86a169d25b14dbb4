package dev.postdate.core.sqs.dlq;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/**
 * How the dead-letter tools (CLI, operator API) look at the dead-letter queues. The queues' names are
 * {@code postdate.sqs.intake-dead-letter-queue} and {@code postdate.sqs.ranges-dead-letter-queue}.
 *
 * @param peekVisibility how long a list, show or redrive hides the messages it looks at; they are made
 *                       visible again when it is done, so this only matters if the tool dies meanwhile
 * @param listLimit      most messages one list reports, and one redrive of all moves
 */
@ConfigurationProperties("postdate.dlq")
public record DeadLetterSettings(
        @Bindable(defaultValue = "30s") Duration peekVisibility,
        @Bindable(defaultValue = "1000") @Positive int listLimit) {
}
