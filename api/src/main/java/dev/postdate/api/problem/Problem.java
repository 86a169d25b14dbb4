package dev.postdate.api.problem;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** An RFC 9457 problem document, with the invalid fields when there are any. */
@Serdeable
public record Problem(String type, String title, int status, @Nullable String detail, List<FieldError> errors) {

    public static Problem of(ProblemType type, String detail, List<FieldError> errors) {
        return new Problem(type.uri().toString(), type.title(), type.status().getCode(), detail, errors);
    }
}
