package dev.postdate.core.management;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpAttributes;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.inject.ExecutableMethod;
import io.micronaut.management.endpoint.EndpointSensitivityHandler;
import io.micronaut.management.endpoint.EndpointSensitivityProcessor;
import io.micronaut.web.router.MethodBasedRouteMatch;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteMatch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.Map;
import java.util.Optional;

/**
 * Replaces Micronaut's endpoint filter (which, without micronaut-security, can only refuse a
 * sensitive endpoint to everyone): a sensitive management endpoint answers a request that carries
 * {@code Authorization: Bearer <postdate.management.operator-token>}, and such a request also becomes
 * the authenticated principal that health details are shown to. Everything else on a sensitive
 * endpoint gets 401; non-sensitive endpoints (health, prometheus) pass untouched.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class OperatorEndpointsFilter implements EndpointSensitivityHandler, Ordered {

    private static final String BEARER = "Bearer ";
    private static final Principal OPERATOR = () -> "operator";

    private final Map<ExecutableMethod, Boolean> sensitiveByMethod;
    /** SHA-256 of the configured token, so that the comparison takes the same time for every guess; null: none. */
    @Nullable
    private final byte[] tokenDigest;

    public OperatorEndpointsFilter(EndpointSensitivityProcessor endpoints, ManagementSettings settings) {
        this.sensitiveByMethod = endpoints.getEndpointMethods();
        this.tokenDigest = settings.operatorToken().isEmpty() ? null : sha256(settings.operatorToken());
    }

    /** Null lets the request through; a response ends it. */
    @RequestFilter
    @Nullable
    public HttpResponse<?> authorize(HttpRequest<?> request) {
        Optional<RouteMatch<?>> route = RouteAttributes.getRouteMatch(request);
        if (route.isEmpty() || !(route.get() instanceof MethodBasedRouteMatch<?, ?> method)
                || !sensitiveByMethod.containsKey(method.getExecutableMethod())) {
            return null;
        }
        if (presentsOperatorToken(request)) {
            request.setAttribute(HttpAttributes.PRINCIPAL, OPERATOR);
            return null;
        }
        return sensitiveByMethod.get(method.getExecutableMethod()) ? HttpResponse.status(HttpStatus.UNAUTHORIZED) : null;
    }

    private boolean presentsOperatorToken(HttpRequest<?> request) {
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (tokenDigest == null || header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(header.substring(BEARER.length()).strip()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }
}
