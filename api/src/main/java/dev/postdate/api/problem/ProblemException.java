package dev.postdate.api.problem;

import java.util.List;

/** Ends a request with a problem response; thrown wherever the api decides to refuse. */
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final List<FieldError> errors;

    public ProblemException(ProblemType type, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.type = type;
        this.errors = List.copyOf(errors);
    }

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, List.of());
    }

    public ProblemType type() {
        return type;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
