package dev.postdate.core.testing;

import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;

/** The management port of a component under test, where /health and /prometheus answer. */
public final class Management {

    /** The operator token every {@link TestEnvironment} configures. */
    public static final String TEST_OPERATOR_TOKEN = "test-operator-token";

    private Management() {
    }

    /** A port free right now: the management port has no "pick one yourself" value like -1. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL of the server's management port. */
    public static URI url(EmbeddedServer server) {
        int port = server.getApplicationContext().getRequiredProperty("endpoints.all.port", Integer.class);
        return URI.create(server.getScheme() + "://" + server.getHost() + ":" + port);
    }

    /** A path on the server's management port. */
    public static URI url(EmbeddedServer server, String path) {
        return url(server).resolve(path);
    }
}
