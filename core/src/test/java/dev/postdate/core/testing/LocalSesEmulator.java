package dev.postdate.core.testing;

import java.io.IOException;
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
 * with its own journal: killing and starting it again keeps the mail it accepted. With
 * {@code throttleFirst} above 0 it answers that many SendEmail calls (after each start) with SES's 429.
 */
final class LocalSesEmulator extends LocalServerProcess {

    private final Path script;
    private final int throttleFirst;
    private final HttpClient http = HttpClient.newHttpClient();

    LocalSesEmulator(int throttleFirst) throws IOException {
        super("ses");
        this.script = repositoryRoot().resolve("infra/local/ses/journaled.js");
        this.throttleFirst = throttleFirst;
    }

    @Override
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    protected List<String> command() {
        return List.of("node", script.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--journal", dir.resolve("mail.ndjson").toString(), "--throttle-first", Integer.toString(throttleFirst));
    }

    @Override
    protected boolean ready() throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(endpoint().resolve("/health-check")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
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
