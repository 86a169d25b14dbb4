package dev.postdate.core.template;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;

import java.time.Duration;

/**
 * Limits of stored templates and of their rendering ({@code postdate.templates.*}, environment
 * {@code POSTDATE_TEMPLATES_*}); the defaults apply when a component's configuration says nothing.
 *
 * @param cacheSize         compiled template versions kept in memory per process (immutable, so a
 *                          cached version is never stale; the least recently used ones are dropped)
 * @param maxTemplateBytes  most UTF-8 bytes of subject + html + text of one template version
 * @param maxRenderedChars  most characters one rendered part may reach (a loop over large data
 *                          cannot fill the heap)
 * @param maxLoopIterations most {@code for} iterations of one email's render, all parts and loops
 *                          together: nested loops over large data produce no output, so the output
 *                          cap alone never stops them
 * @param renderTimeout     longest one email's render may run; checked every 32 loop iterations
 * @param maxDataDepth      deepest nesting of an email's {@code data}; at most 64, the levels the
 *                          intake message and the stored payload leave for it
 * @param maxDataElements   most values in an email's {@code data}: every object member and list
 *                          element at any depth
 * @param maxDataBytes      most UTF-8 bytes of the keys, strings and numbers in an email's {@code data}
 */
@ConfigurationProperties("postdate.templates")
public record TemplateSettings(
        @Bindable(defaultValue = "10000") @Positive int cacheSize,
        @Bindable(defaultValue = "262144") @Positive int maxTemplateBytes,
        @Bindable(defaultValue = "2000000") @Positive int maxRenderedChars,
        @Bindable(defaultValue = "100000") @Positive long maxLoopIterations,
        @Bindable(defaultValue = "2s") Duration renderTimeout,
        @Bindable(defaultValue = "64") @Positive @Max(64) int maxDataDepth,
        @Bindable(defaultValue = "10000") @Positive int maxDataElements,
        @Bindable(defaultValue = "102400") @Positive int maxDataBytes) {

    public static TemplateSettings defaults() {
        return new TemplateSettings(10_000, 262_144, 2_000_000, 100_000, Duration.ofSeconds(2), 64, 10_000, 102_400);
    }
}
