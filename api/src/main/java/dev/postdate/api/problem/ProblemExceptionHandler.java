package dev.postdate.api.problem;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

@Produces(ProblemResponses.MEDIA_TYPE)
@Singleton
@Requires(classes = {ProblemException.class, ExceptionHandler.class})
public class ProblemExceptionHandler implements ExceptionHandler<ProblemException, HttpResponse<?>> {

    private final ProblemResponses problems;

    public ProblemExceptionHandler(ProblemResponses problems) {
        this.problems = problems;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, ProblemException exception) {
        return problems.of(exception);
    }
}
