package dev.postdate.core.template;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Positive;

/**
 * Limits of stored templates and of their rendering ({@code postdate.templates.*}, environment
 * {@code POSTDATE_TEMPLATES_*}); the defaults apply when a component's configuration says nothing.
 *
 * @param cacheSize         compiled template versions kept in memory per process (immutable, so a
 *                          cached version is never stale; the least recently used ones are dropped)
 * @param maxTemplateBytes  most UTF-8 bytes of subject + html + text of one template version
 * @param maxRenderedChars  most characters one rendered part may reach (a loop over large data
 *                          cannot fill the heap)
 */
@ConfigurationProperties("postdate.templates")
public record TemplateSettings(
        @Bindable(defaultValue = "10000") @Positive int cacheSize,
        @Bindable(defaultValue = "262144") @Positive int maxTemplateBytes,
        @Bindable(defaultValue = "2000000") @Positive int maxRenderedChars) {

    public static TemplateSettings defaults() {
        return new TemplateSettings(10_000, 262_144, 2_000_000);
    }
}
