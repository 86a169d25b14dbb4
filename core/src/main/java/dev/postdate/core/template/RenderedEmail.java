package dev.postdate.core.template;

import io.micronaut.core.annotation.Nullable;

/** The personalized subject and bodies of one email, ready for a sender. */
public record RenderedEmail(String subject, @Nullable String html, @Nullable String text) {
}
