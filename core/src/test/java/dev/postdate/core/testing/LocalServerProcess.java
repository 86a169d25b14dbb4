package dev.postdate.core.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A server a test owns as a child process on a free port, with its own directory and log: started
 * until it answers, killed without warning (a crash or an outage), started again on the same data.
 */
abstract class LocalServerProcess implements RestartableServer {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final Path log;
    protected final Path dir;
    protected final int port;
    private Process process;

    LocalServerProcess(String name) throws IOException {
        this.name = name;
        this.dir = Files.createTempDirectory("postdate-" + name + "-");
        this.log = dir.resolve(name + ".log");
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
    }

    /** The command line that runs the server on {@link #port} with its data in {@link #dir}. */
    protected abstract List<String> command();

    /** Whether the server answers as ready (not merely accepting connections). */
    protected abstract boolean ready() throws InterruptedException;

    @Override
    public void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited: see " + log);
            }
            if (ready()) {
                return;
            }
            Thread.sleep(50);
        }
        kill();
        throw new IOException(name + " did not answer within " + START_TIMEOUT + ": see " + log);
    }

    @Override
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
