package dev.postdate.core.template;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * One immutable version of a tenant's template: its Pebble sources as saved.
 *
 * @param subject plain text, one line after rendering
 * @param html    HTML body (autoescaped when rendered), or null
 * @param text    plain-text body, or null; at least one of html and text is present
 */
public record TemplateVersion(String tenant, String name, int version, String subject,
                              @Nullable String html, @Nullable String text, Instant createdAt) {

    /** "template welcome v3", how errors name it. */
    public String label() {
        return "template " + name + " v" + version;
    }
}
