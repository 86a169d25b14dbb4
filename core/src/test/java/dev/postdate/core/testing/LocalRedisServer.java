package dev.postdate.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A redis-server of this machine on a free port, with its own append-only file (as the shared one
 * runs): killing and starting it again is an outage, not a loss of the keys it held.
 */
final class LocalRedisServer extends LocalServerProcess {

    LocalRedisServer() throws IOException {
        super("redis");
    }

    @Override
    public URI endpoint() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    @Override
    protected List<String> command() {
        return List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "always");
    }

    /** Loading the append-only file answers -LOADING: only +PONG means ready. */
    @Override
    protected boolean ready() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException notYet) {
            return false;
        }
    }
}
