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

import java.util.List;
import java.util.Optional;

/**
 * Bearer-key authentication of the public API. Only {@code /v1/**} is filtered, so health,
 * Prometheus and the OpenAPI document stay open; the operator API is {@link OperatorAuthFilter}'s. The
 * tenant lands in a request attribute that controllers bind with
 * {@code @RequestAttribute(ApiKeyAuthFilter.TENANT)}, the key's id in {@link #KEY_ID} (for audit rows).
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
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        if (OperatorAuthFilter.isOperatorPath(request)) {
            return null;
        }
        if (!keys.isLoaded()) {
            return problems.of(ProblemType.UNAVAILABLE, "API keys are not loaded yet", List.of());
        }
        Optional<String> presented = bearer(request);
        Optional<String> tenant = presented.flatMap(keys::tenantOf);
        if (tenant.isEmpty()) {
            return problems.of(ProblemType.UNAUTHORIZED, "Send Authorization: Bearer <api key>", List.of());
        }
        request.setAttribute(TENANT, tenant.get());
        request.setAttribute(KEY_ID, ApiKeys.keyIdOf(presented.get()));
        return null;
    }

    /** The credential of {@code Authorization: Bearer <credential>}, if the request has one. */
    static Optional<String> bearer(HttpRequest<?> request) {
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? Optional.of(header.substring(BEARER.length()).strip())
                : Optional.empty();
    }
}
