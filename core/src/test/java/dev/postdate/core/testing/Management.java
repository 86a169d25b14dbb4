package dev.postdate.core.testing;

import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.ThreadLocalRandom;

/** The management port of a component under test, where /health and /prometheus answer. */
public final class Management {

    /** The operator token every {@link TestEnvironment} configures. */
    public static final String TEST_OPERATOR_TOKEN = "test-operator-token";

    /** Below the local stack's fixed ports' neighbours and the ephemeral range. */
    private static final int FIRST_PORT = 20000;
    private static final int PORTS = 12000;
    private static final int PORT_ATTEMPTS = 100;

    private Management() {
    }

    /**
     * A port free right now, below Linux's ephemeral range (32768-60999): a port the kernel hands out
     * to outgoing connections (the tests' many HTTP clients) could be taken again between this check
     * and the server's bind, which made a test fail to start now and then.
     */
    public static int freePort() {
        IOException last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            int port = FIRST_PORT + ThreadLocalRandom.current().nextInt(PORTS);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("no free port in " + FIRST_PORT + "-" + (FIRST_PORT + PORTS - 1), last);
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
