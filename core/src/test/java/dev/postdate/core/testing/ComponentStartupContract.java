package dev.postdate.core.testing;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every runnable component promises: it starts against the configured servers, migrates the
 * schema and answers /health with UP; and without credentials it serves nothing but health and
 * Prometheus on its management port, and nothing but {@link #keyedRoutePrefix()} routes (behind the
 * api key) on its public port. A component's test class extends this and adds nothing.
 */
public abstract class ComponentStartupContract {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    /** Every management endpoint Micronaut and micrometer can serve, plus a logger and health's selectors. */
    private static final List<String> MANAGEMENT_PATHS = List.of("/beans", "/caches", "/env", "/health",
            "/health/liveness", "/health/readiness", "/info", "/loggers", "/loggers/ROOT", "/metrics", "/prometheus",
            "/refresh", "/routes", "/stop", "/threaddump");
    private static final Set<String> OPEN_MANAGEMENT_PATHS = Set.of("/health", "/health/liveness",
            "/health/readiness", "/prometheus");
    private static final Set<String> MANAGEMENT_ROUTES = Set.of("GET /health", "GET /health/{selector}",
            "GET /prometheus", "HEAD /health", "HEAD /health/{selector}", "HEAD /prometheus");

    /** The path prefix of the routes the component serves on its public port, all behind the api key; none by default. */
    protected String keyedRoutePrefix() {
        return null;
    }

    /**
     * Public routes served to anyone on purpose, as {@code METHOD /path}: the tracker's links in sent
     * emails, whose tokens are their credentials. None by default.
     */
    protected Set<String> openPublicRoutes() {
        return Set.of();
    }

    @Test
    void startsAgainstRealServersAndReportsHealthy() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(getClass());
             EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, env.properties())) {
            HttpResponse<String> health = HealthProbe.awaitHealthy(server, STARTUP);
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
        }
    }

    @Test
    void servesOnlyHealthAndPrometheusWithoutCredentials() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(getClass());
             EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, env.properties());
             HttpClient http = HttpClient.newHttpClient()) {
            assertEquals(200, HealthProbe.awaitHealthy(server, STARTUP).statusCode());
            URI management = Management.url(server);
            URI open = URI.create(server.getURL().toString());

            Set<String> managementRoutes = routes(server, true);
            assertEquals(MANAGEMENT_ROUTES, managementRoutes, "routes on the management port");
            Set<String> publicRoutes = routes(server, false);
            String prefix = keyedRoutePrefix();
            assertTrue(publicRoutes.containsAll(openPublicRoutes()), "open routes " + openPublicRoutes() + " of " + publicRoutes);
            for (String route : publicRoutes) {
                if (openPublicRoutes().contains(route)) {
                    continue;
                }
                assertTrue(prefix != null && route.substring(route.indexOf(' ') + 1).startsWith(prefix),
                        "public route outside " + prefix + ": " + route);
                String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}]*}", "x");
                HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(open.resolve(path))
                        .method(route.substring(0, route.indexOf(' ')), HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                // 503 while the key table is not loaded yet: refused either way.
                assertTrue(Set.of(401, 503).contains(anonymous.statusCode()), route + " without a key: " + anonymous.body());
            }

            for (String path : MANAGEMENT_PATHS) {
                for (String method : List.of("GET", "POST")) {
                    int onManagement = status(http, management.resolve(path), method);
                    int expected = OPEN_MANAGEMENT_PATHS.contains(path) && method.equals("GET") ? 200 : -1;
                    if (expected == 200) {
                        assertEquals(200, onManagement, method + " " + path + " on the management port");
                    } else {
                        assertTrue(Set.of(401, 404, 405).contains(onManagement),
                                method + " " + path + " on the management port answered " + onManagement);
                    }
                    int onPublic = status(http, open.resolve(path), method);
                    assertTrue(Set.of(401, 404, 405).contains(onPublic),
                            method + " " + path + " on the public port answered " + onPublic);
                }
            }

            String anonymousHealth = http.send(HttpRequest.newBuilder(management.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertFalse(anonymousHealth.contains("details"), "health details shown anonymously: " + anonymousHealth);
            String operatorHealth = HealthProbe.awaitHealthy(server, STARTUP).body();
            assertTrue(operatorHealth.contains("details"), "health details for the operator: " + operatorHealth);
        }
    }

    /** "METHOD template" of every route on the management port (or every other route). */
    private static Set<String> routes(EmbeddedServer server, boolean management) {
        int managementPort = Management.url(server).getPort();
        return server.getApplicationContext().getBean(Router.class).uriRoutes()
                .filter(route -> Objects.equals(route.getPort(), managementPort) == management)
                .map(ComponentStartupContract::describe)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String describe(UriRouteInfo<?, ?> route) {
        return route.getHttpMethodName() + " " + route.getUriMatchTemplate().toString();
    }

    private static int status(HttpClient http, URI uri, String method) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
