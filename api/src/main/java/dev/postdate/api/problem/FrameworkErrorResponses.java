package dev.postdate.api.problem;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/**
 * Errors that Micronaut answers before or instead of a controller (unknown path, wrong method,
 * unsupported Content-Type, request line or headers too long) are problems too, so a client parses
 * one error format. Takes the place of Micronaut's default processor, which requires no other bean.
 */
@Singleton
public class FrameworkErrorResponses implements ErrorResponseProcessor<byte[]> {

    private final ProblemResponses problems;

    public FrameworkErrorResponses(ProblemResponses problems) {
        this.problems = problems;
    }

    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<byte[]> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        if (context.getRequest().getMethod() == HttpMethod.HEAD) {
            return (MutableHttpResponse<byte[]>) response;
        }
        String detail = context.getErrors().stream().map(Error::getMessage).findFirst().orElse(response.reason());
        return problems.ofStatus(response, detail);
    }
}
