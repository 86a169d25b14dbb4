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
        try {
            MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(type.status())
                    .contentType(MEDIA_TYPE)
                    .body(json.writeValueAsBytes(Problem.of(type, detail, errors)));
            if (type == ProblemType.UNAUTHORIZED) {
                response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public MutableHttpResponse<byte[]> of(ProblemException problem) {
        return of(problem.type(), problem.getMessage(), problem.errors());
    }
}
