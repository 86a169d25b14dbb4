package dev.postdate.api.problem;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.server.exceptions.ContentLengthExceededHandler;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

import java.util.List;

/** A body over {@code micronaut.server.max-request-size}: 413 as a problem instead of Micronaut's own body. */
@Produces(ProblemResponses.MEDIA_TYPE)
@Singleton
@Replaces(ContentLengthExceededHandler.class)
public class RequestTooLargeHandler implements ExceptionHandler<ContentLengthExceededException, HttpResponse<?>> {

    private final ProblemResponses problems;

    public RequestTooLargeHandler(ProblemResponses problems) {
        this.problems = problems;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, ContentLengthExceededException exception) {
        return problems.of(ProblemType.REQUEST_TOO_LARGE, exception.getMessage(), List.of());
    }
}
