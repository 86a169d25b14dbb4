package dev.postdate.api.problem;

import dev.postdate.api.ApiMetrics;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Builds every problem response and counts it. The body is encoded here because Micronaut's JSON
 * codec is not registered for {@code application/problem+json}.
 */
@Singleton
public class ProblemResponses {

    public static final String MEDIA_TYPE = "application/problem+json";

    private final JsonMapper json;
    private final ApiMetrics metrics;

    public ProblemResponses(JsonMapper json, ApiMetrics metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    public MutableHttpResponse<byte[]> of(ProblemType type, String detail, List<FieldError> errors) {
        metrics.rejected(type.slug());
        MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(type.status())
                .contentType(MEDIA_TYPE)
                .body(encode(Problem.of(type, detail, errors)));
        if (type == ProblemType.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response;
    }

    /**
     * Turns an error response of Micronaut's own (no route, wrong method or media type, request
     * line too long) into a problem that means no more than its status (RFC 9457 {@code about:blank}),
     * keeping the response's headers, such as {@code Allow}.
     */
    public MutableHttpResponse<byte[]> ofStatus(MutableHttpResponse<?> response, String detail) {
        metrics.rejected("http-" + response.code());
        Problem problem = new Problem("about:blank", response.reason(), response.code(), detail, List.of());
        return response.contentType(MEDIA_TYPE).body(encode(problem));
    }

    private byte[] encode(Problem problem) {
        try {
            return json.writeValueAsBytes(problem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public MutableHttpResponse<byte[]> of(ProblemException problem) {
        MutableHttpResponse<byte[]> response = of(problem.type(), problem.getMessage(), problem.errors());
        // Whole seconds, at least one: the header's delay-seconds form.
        problem.retryAfter().ifPresent(after -> response.header(HttpHeaders.RETRY_AFTER,
                Long.toString(Math.max(1, after.toSeconds()))));
        return response;
    }
}
