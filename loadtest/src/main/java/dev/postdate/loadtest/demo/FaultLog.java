package dev.postdate.loadtest.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The faults ./postdate chaos injected, one line each, written by the injector while the client
 * runs. The injector ends the file with {@value #DONE}; the report waits for it so that the list is whole.
 */
final class FaultLog {

    static final String DONE = "# done";

    private final Path file;

    FaultLog(Path file) {
        this.file = file;
    }

    /** The faults, once the injector finished or the wait is over (then as far as written, marked so). */
    List<String> await(Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<String> lines = lines();
        while (!lines.contains(DONE) && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            lines = lines();
        }
        List<String> faults = lines.stream().filter(l -> !l.isBlank() && !l.equals(DONE)).toList();
        if (lines.contains(DONE)) {
            return faults;
        }
        return Stream.concat(faults.stream(), Stream.of("(the injector had not finished)")).toList();
    }

    private List<String> lines() throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
