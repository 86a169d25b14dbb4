package dev.postdate.api;

import dev.postdate.core.testing.Management;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A management endpoint an operator turns on answers only to the operator token, and only on the management port. */
class OperatorEndpointsTest {

    private static ApiHarness api;

    @BeforeAll
    static void start() throws Exception {
        api = ApiHarness.start(OperatorEndpointsTest.class, Map.of("endpoints.loggers.enabled", true));
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    @Test
    void anEnabledEndpointNeedsTheOperatorToken() throws Exception {
        assertEquals(401, loggers(null), "anonymous");
        assertEquals(401, loggers("not-the-token"), "a wrong token");
        assertEquals(200, loggers(Management.TEST_OPERATOR_TOKEN), "the operator");
        assertEquals(404, api.get(Management.TEST_OPERATOR_TOKEN, "/loggers").status(), "on the public port");
    }

    private int loggers(String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(Management.url(api.server, "/loggers")).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return api.send(request).status();
    }
}
