package dev.postdate.ranger;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * @param window   how far ahead {@code postdate_ranger_due_soon_emails} looks: long enough for new
 *                 workers to be scheduled, pulled and started before a burst (docs/ranging.md)
 * @param interval how often it is counted again
 */
@ConfigurationProperties("postdate.ranger.due-soon")
public record DueSoonSettings(@NotNull Duration window, @NotNull Duration interval) {
}
