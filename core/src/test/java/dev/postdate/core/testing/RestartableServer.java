package dev.postdate.core.testing;

import java.io.IOException;
import java.net.URI;

/** A server private to one test, which the test may kill (an outage) and start again on the same endpoint. */
public interface RestartableServer extends AutoCloseable {

    URI endpoint();

    /** Starts the server and returns once it answers. */
    void start() throws IOException, InterruptedException;

    /** Kills it without warning, as a crash or an outage would. */
    void kill() throws InterruptedException;

    @Override
    void close() throws InterruptedException;
}
