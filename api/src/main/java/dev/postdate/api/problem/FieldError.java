package dev.postdate.api.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

/**
 * One invalid input: its JSON path ({@code emails[3].to.email}; {@code emails[3]} or {@code ""} for
 * the email as a whole) and what is wrong, without its value. Always written, even when empty.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record FieldError(String field, String message) {
}
