package dev.postdate.api.problem;

import io.micronaut.http.HttpStatus;

import java.net.URI;
import java.util.Locale;

/** Every problem the api answers with; docs/api.md lists them. */
public enum ProblemType {
    MALFORMED_JSON(HttpStatus.BAD_REQUEST, "Malformed JSON"),
    VALIDATION(HttpStatus.UNPROCESSABLE_ENTITY, "Invalid request"),
    IDEMPOTENCY_CONFLICT(HttpStatus.UNPROCESSABLE_ENTITY, "Idempotency key reused with a different payload"),
    IDEMPOTENCY_IN_PROGRESS(HttpStatus.CONFLICT, "Idempotent request still in progress"),
    REQUEST_TOO_LARGE(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "Request too large"),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "Missing, unknown or revoked API key"),
    FORBIDDEN(HttpStatus.FORBIDDEN, "Not allowed with this credential"),
    NOT_FOUND(HttpStatus.NOT_FOUND, "Not found"),
    CONFLICT(HttpStatus.CONFLICT, "Conflict"),
    UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Temporarily unavailable"),
    INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

    private static final String BASE = "https://postdate.dev/problems/";

    private final HttpStatus status;
    private final String title;

    ProblemType(HttpStatus status, String title) {
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** Short name, also the {@code reason} tag of the rejection counter. */
    public String slug() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public URI uri() {
        return URI.create(BASE + slug());
    }
}
