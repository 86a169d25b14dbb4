package dev.postdate.api.auth;

import dev.postdate.api.ApiSettings;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.keys.ApiKeys;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Authentication of the operator API ({@code /v1/operator/**}): {@code Authorization: Bearer <token>}
 * whose SHA-256 is one of {@code postdate.api.operator-tokens}. Without configured tokens the operator
 * API does not exist (404); a tenant's API key gets 403, anything else 401. Filters every
 * {@code /v1/**} path and decides by {@link #isOperatorPath} like {@link ApiKeyAuthFilter} does, so
 * that every request is checked by exactly one of the two.
 */
@ServerFilter("/v1/**")
public class OperatorAuthFilter {

    /**
     * Set on requests an operator token authenticated; operator controllers require it, so a path that
     * routes to them without passing {@link #isOperatorPath} (say, after normalization) gets no further.
     */
    public static final String OPERATOR = "postdate.operator";
    private static final String PREFIX = "/v1/operator/";

    private final List<byte[]> tokenHashes;
    private final ApiKeyCache keys;
    private final ProblemResponses problems;

    public OperatorAuthFilter(ApiSettings settings, ApiKeyCache keys, ProblemResponses problems) {
        this.tokenHashes = settings.operatorTokens().stream()
                .map(h -> h.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII)).toList();
        this.keys = keys;
        this.problems = problems;
    }

    static boolean isOperatorPath(HttpRequest<?> request) {
        return request.getPath().startsWith(PREFIX);
    }

    /** Null lets the request through; a response ends it. */
    @RequestFilter
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        if (!isOperatorPath(request)) {
            return null;
        }
        if (tokenHashes.isEmpty()) {
            return problems.of(ProblemType.NOT_FOUND, "The operator API is not enabled", List.of());
        }
        Optional<String> presented = ApiKeyAuthFilter.bearer(request);
        if (presented.isPresent() && isOperatorToken(presented.get())) {
            request.setAttribute(OPERATOR, Boolean.TRUE);
            return null;
        }
        if (presented.flatMap(keys::tenantOf).isPresent()) {
            return problems.of(ProblemType.FORBIDDEN, "A tenant's API key cannot use the operator API", List.of());
        }
        return problems.of(ProblemType.UNAUTHORIZED, "Send Authorization: Bearer <operator token>", List.of());
    }

    /** Compared in constant time: a token's hash must not leak through timing, byte by byte. */
    private boolean isOperatorToken(String token) {
        byte[] hash = ApiKeys.hash(token).getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (byte[] accepted : tokenHashes) {
            match |= MessageDigest.isEqual(hash, accepted);
        }
        return match;
    }
}
