package dev.postdate.core.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Another component as the local stack runs it: its built jar ({@code <module>/target/postdate-<module>.jar})
 * in a JVM of its own, configured with system properties, up once its /health answers 200. For
 * tests that cross roles, whose classes cannot share one Micronaut context.
 */
public final class ComponentProcess implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    private final Path log;

    private ComponentProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the module's jar with {@code properties} (the environment's, usually, plus the component's
     * own) on free public and management ports, and waits until it is healthy.
     *
     * @param moduleDir the module's directory, e.g. {@code ../tracker} from another module's tests
     */
    public static ComponentProcess start(Path moduleDir, Map<String, Object> properties)
            throws IOException, InterruptedException {
        Path jar = moduleDir.resolve("target").resolve("postdate-" + moduleDir.getFileName() + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the module first (mvn install)");
        }
        int port = Management.freePort();
        int managementPort = Management.freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        properties.forEach((name, value) -> {
            if (!name.equals("micronaut.server.port") && !name.equals("endpoints.all.port")) {
                command.add("-D" + name + "=" + value);
            }
        });
        command.add("-Dmicronaut.server.port=" + port);
        command.add("-Dendpoints.all.port=" + managementPort);
        command.addAll(List.of("-jar", jar.toString()));
        Path log = Files.createTempFile(moduleDir.getFileName() + "-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ComponentProcess component = new ComponentProcess(process, port, log);
        component.awaitHealthy(managementPort);
        return component;
    }

    /** The public base URL. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    private void awaitHealthy(int managementPort) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(STARTUP);
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("exited with " + process.exitValue() + ":\n" + tail());
                }
                try {
                    if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
                Thread.sleep(200);
            }
        }
        close();
        throw new IllegalStateException("not healthy within " + STARTUP + ":\n" + tail());
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n",
                lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** SIGTERM, as a deployment stops it, then a kill if it does not end within 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
