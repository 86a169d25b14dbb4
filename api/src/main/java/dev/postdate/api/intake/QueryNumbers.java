package dev.postdate.api.intake;

import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import io.micronaut.core.annotation.Nullable;

import java.util.List;

/** Whole numbers in query parameters: read as text, so that a bad one is a 422 naming the parameter. */
public final class QueryNumbers {

    private QueryNumbers() {
    }

    /** The number, or null when the parameter is absent. */
    public static Integer optional(@Nullable String text, int min, int max, String name) {
        if (text == null) {
            return null;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ProblemException(ProblemType.VALIDATION, "Invalid " + name,
                List.of(new FieldError(name, "a whole number from " + min + " to " + max)));
    }

    /** The number, or {@code absent} when the parameter is absent. */
    public static int orDefault(@Nullable String text, int absent, int min, int max, String name) {
        Integer value = optional(text, min, max, name);
        return value == null ? absent : value;
    }
}
