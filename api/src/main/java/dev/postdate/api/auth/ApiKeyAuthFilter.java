package dev.postdate.api.auth;

import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.keys.ApiKeys;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.List;
import java.util.Optional;

/**
 * Bearer-key authentication of the public API. Only {@code /v1/**} is filtered, so the OpenAPI
 * document stays open (health and Prometheus live on the management port); the operator API, outside
 * {@code /v1}, is {@link dev.postdate.api.operator.OperatorAuthFilter}'s. The tenant lands in a request
 * attribute that controllers bind with {@code @RequestAttribute(ApiKeyAuthFilter.TENANT)}, the key's id
 * in {@link #KEY_ID} (for audit rows). It runs off the event loop: a key created since the last reload
 * is looked up in ClickHouse.
 */
@ServerFilter("/v1/**")
public class ApiKeyAuthFilter {

    public static final String TENANT = "postdate.tenant";
    public static final String KEY_ID = "postdate.key-id";
    private static final String BEARER = "Bearer ";

    private final ApiKeyCache keys;
    private final ProblemResponses problems;

    public ApiKeyAuthFilter(ApiKeyCache keys, ProblemResponses problems) {
        this.keys = keys;
        this.problems = problems;
    }

    /** Null lets the request through; a response ends it. */
    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        Optional<String> presented = bearer(request);
        ApiKeyCache.Verdict verdict = presented.isPresent()
                ? keys.authenticate(presented.get())
                : new ApiKeyCache.Verdict.Refused();
        return switch (verdict) {
            case ApiKeyCache.Verdict.Accepted accepted -> {
                request.setAttribute(TENANT, accepted.tenant());
                request.setAttribute(KEY_ID, ApiKeys.keyIdOf(presented.get()).orElse(""));
                yield null;
            }
            case ApiKeyCache.Verdict.Refused ignored ->
                    problems.of(ProblemType.UNAUTHORIZED, "Send Authorization: Bearer <api key>", List.of());
            case ApiKeyCache.Verdict.Unavailable unavailable ->
                    problems.of(ProblemType.UNAVAILABLE, unavailable.detail(), List.of())
                            .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, unavailable.retryAfter().toSeconds())));
        };
    }

    /** The credential of {@code Authorization: Bearer <credential>}, if the request has one. */
    static Optional<String> bearer(HttpRequest<?> request) {
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? Optional.of(header.substring(BEARER.length()).strip())
                : Optional.empty();
    }
}
