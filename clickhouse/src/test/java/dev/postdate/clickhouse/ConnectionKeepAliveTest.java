package dev.postdate.clickhouse;

import com.clickhouse.client.api.Client;
import dev.postdate.core.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client must not send a request on a pooled connection the server is about to close: the local
 * server closes connections idle for 3 s ({@code keep_alive_timeout}), and a request that went out in
 * that instant failed as a broken pipe (an insert of send marks, at the start of a campaign's burst).
 * A relay in front of the real server counts the connections the client opens. The idle time is the
 * thing under test: no clock of ours moves a socket pool, so the test waits it out (2 s).
 */
class ConnectionKeepAliveTest {

    @Test
    @Timeout(60)
    void aConnectionIdleLongerThanKeepAliveIsNotUsedAgain() throws Exception {
        try (TestEnvironment env = TestEnvironment.create(ConnectionKeepAliveTest.class);
             Relay relay = new Relay(URI.create(env.services().clickhouseUrl()))) {
            ClickHouseSettings direct = ClickHouseTestSupport.settingsFor(env);
            ClickHouseSettings settings = new ClickHouseSettings(relay.url(), direct.user(), direct.password(),
                    direct.database(), false, direct.cluster(), direct.insertQuorum(), direct.insertQuorumTimeout(),
                    direct.managedReplication(), Duration.ofSeconds(1));
            try (Client client = ClickHouseClientFactory.newClient(settings)) {
                ClickHouseSql sql = new ClickHouseSql(client, direct.database(), direct.cluster());
                sql.select("SELECT 1");
                sql.select("SELECT 2");
                assertEquals(1, relay.connections.get(), "a connection just used is used again");

                // Past the client's keep-alive, before the server's 3 s.
                Thread.sleep(2_000);
                sql.select("SELECT 3");
                assertEquals(2, relay.connections.get(), "an idle connection past keep-alive is given up");
            }
        }
    }

    @Test
    void aKeepAliveTheClientWouldIgnoreIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new ClickHouseSettings(
                "http://127.0.0.1:1", "default", "", "postdate", false, "", 0, Duration.ofSeconds(10), false, Duration.ZERO));
        assertTrue(refused.getMessage().contains("postdate.clickhouse.keep-alive"), refused.getMessage());
    }

    /** Forwards every connection to the server, byte for byte, and counts them. */
    private static final class Relay implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket listener;
        private final URI target;
        private final int port;

        Relay(URI target) throws IOException {
            this.target = target;
            this.port = target.getPort() > 0 ? target.getPort() : "https".equals(target.getScheme()) ? 443 : 80;
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::accept);
        }

        String url() {
            return target.getScheme() + "://127.0.0.1:" + listener.getLocalPort();
        }

        private void accept() {
            while (!listener.isClosed()) {
                Socket client;
                try {
                    client = listener.accept();
                } catch (IOException e) {
                    return;
                }
                connections.incrementAndGet();
                try {
                    Socket server = new Socket(target.getHost(), port);
                    Thread.ofVirtual().start(() -> pump(client, server));
                    Thread.ofVirtual().start(() -> pump(server, client));
                } catch (IOException e) {
                    // The server refused: so does the relay, and the client sees the failure at once.
                    closeQuietly(client);
                }
            }
        }

        private static void pump(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // The other direction closed the pair.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Already closed by the other direction.
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
