package dev.postdate.core.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The project's journaled aws-ses-v2-local ({@code infra/local/ses/journaled.js}) on a free port,
 * with its own journal: killing and starting it again keeps the mail it accepted.
 */
final class LocalSesEmulator implements RestartableServer {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path script;
    private final Path journal;
    private final Path log;
    private final int port;
    private Process process;

    LocalSesEmulator() throws IOException {
        this.script = repositoryRoot().resolve("infra/local/ses/journaled.js");
        Path dir = Files.createTempDirectory("postdate-ses-");
        this.journal = dir.resolve("mail.ndjson");
        this.log = dir.resolve("ses.log");
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
    }

    @Override
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(List.of("node", script.toString(), "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--journal", journal.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("the SES emulator exited: see " + log);
                }
                try {
                    HttpResponse<Void> health = http.send(HttpRequest.newBuilder(endpoint().resolve("/health-check"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                    if (health.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
        }
        kill();
        throw new IOException("the SES emulator did not answer within " + START_TIMEOUT + ": see " + log);
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

    /** Tests run in their module's directory; the repository root holds the ./postdate script. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("postdate")) && Files.isDirectory(dir.resolve("infra"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }
}
