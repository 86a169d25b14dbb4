package dev.postdate.api.operator;

import dev.postdate.api.auth.ApiKeyCache;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.keys.ApiKeys;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Guards the operator API with operator tokens, which are not tenant API keys: a tenant's key gets
 * 403, anything else without a valid operator token 401. Exists only when tokens are configured.
 * Covers every operator route: the dead-letter queues and the tenants' sender identities.
 */
@ServerFilter(OperatorAuthFilter.PATHS)
@Requires(property = OperatorAuthFilter.TOKEN_HASHES)
public class OperatorAuthFilter {

    static final String PATHS = "/operator/**";
    public static final String TOKEN_HASHES = "postdate.api.operator.token-hashes";
    private static final String BEARER = "Bearer ";

    private final List<byte[]> tokenHashes;
    private final ApiKeyCache tenantKeys;
    private final ProblemResponses problems;

    public OperatorAuthFilter(OperatorSettings settings, ApiKeyCache tenantKeys, ProblemResponses problems) {
        this.tokenHashes = settings.tokenHashes().stream().map(hash -> hash.getBytes(StandardCharsets.US_ASCII)).toList();
        this.tenantKeys = tenantKeys;
        this.problems = problems;
    }

    /** Null lets the request through; a response ends it. */
    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        String presented = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? header.substring(BEARER.length()).strip() : "";
        if (!presented.isEmpty() && isOperatorToken(presented)) {
            return null;
        }
        if (!presented.isEmpty() && tenantKeys.authenticate(presented) instanceof ApiKeyCache.Verdict.Accepted) {
            return problems.of(ProblemType.FORBIDDEN, "A tenant API key cannot use the operator API", List.of());
        }
        return problems.of(ProblemType.UNAUTHORIZED, "Send Authorization: Bearer <operator token>", List.of());
    }

    private boolean isOperatorToken(String presented) {
        byte[] hash = ApiKeys.hash(presented).getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (byte[] accepted : tokenHashes) {
            // Every hash compared in full: how long the check takes tells nothing about the token.
            match |= MessageDigest.isEqual(accepted, hash);
        }
        return match;
    }
}
