package dev.postdate.api.problem;

import dev.postdate.clickhouse.ClickHouseException;
import io.lettuce.core.RedisException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * What no more specific handler took: Redis or ClickHouse failing is a 503 the client may retry,
 * anything else a 500; both as problems, neither with internals in the body.
 */
@Produces(ProblemResponses.MEDIA_TYPE)
@Singleton
public class UnexpectedFailureHandler implements ExceptionHandler<RuntimeException, HttpResponse<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedFailureHandler.class);

    private final ProblemResponses problems;

    public UnexpectedFailureHandler(ProblemResponses problems) {
        this.problems = problems;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, RuntimeException exception) {
        if (exception instanceof RedisException || exception instanceof ClickHouseException) {
            LOG.warn("{} {} failed on a dependency: {}", request.getMethod(), request.getPath(), exception.getMessage());
            return problems.of(ProblemType.UNAVAILABLE, "A storage dependency is unavailable; retry later", List.of());
        }
        LOG.error("{} {} failed", request.getMethod(), request.getPath(), exception);
        return problems.of(ProblemType.INTERNAL, "Unexpected failure", List.of());
    }
}
