package dev.postdate.core.template;

import io.micronaut.core.annotation.Nullable;
import io.pebbletemplates.pebble.template.PebbleTemplate;

/** A template version compiled in the sandbox; thread-safe, rendered by {@link TemplateSandbox#render}. */
public record CompiledTemplate(String label, PebbleTemplate subject, @Nullable PebbleTemplate html,
                               @Nullable PebbleTemplate text) {
}
