package dev.postdate.core.template;

import io.micronaut.core.annotation.Nullable;

/**
 * Why a part of a template does not compile.
 *
 * @param part   {@code subject}, {@code html} or {@code text}
 * @param line   1-based line in that part, when known
 * @param reason what is wrong, without the template's text
 */
public record TemplateProblem(String part, @Nullable Integer line, String reason) {

    public String message() {
        return line == null ? reason : "line " + line + ": " + reason;
    }
}
