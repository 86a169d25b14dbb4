package dev.postdate.core.template;

import io.micronaut.core.annotation.Nullable;
import io.pebbletemplates.pebble.template.PebbleTemplate;

/** A template version compiled in the sandbox; thread-safe, rendered by {@link TemplateSandbox#render}. */
public record CompiledTemplate(String label, Part subject, @Nullable Part html, @Nullable Part text) {

    /**
     * One compiled part. {@code sourceChars} sizes the output buffer: a rendered part is about as long
     * as its source, and growing a buffer from empty copies it several times per email.
     */
    public record Part(String name, PebbleTemplate template, int sourceChars) {
    }
}
