package dev.postdate.janitor;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * Payload retention; defaults in application.yml, overridable as POSTDATE_RETENTION_*.
 *
 * @param payloadAfter how long after its final outcome an email keeps its payload
 * @param sendMarksAfter how long after their send times the worker's send marks are kept (whole months
 *                     are dropped once every send time in them is older)
 * @param interval     how often the janitor drops payloads that reached it
 * @param lookback     how far before the cutoff a run looks for final outcomes: runs cover the
 *                     outcomes that crossed the cutoff since the last run as long as the janitor was
 *                     not stopped longer than lookback minus interval (raise it once after that)
 */
@ConfigurationProperties("postdate.retention")
public record RetentionSettings(@NotNull Duration payloadAfter, @NotNull Duration sendMarksAfter,
                                @NotNull Duration interval, @NotNull Duration lookback) {
}
