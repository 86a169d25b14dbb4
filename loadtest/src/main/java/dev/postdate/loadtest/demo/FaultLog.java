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
        while (!finished() && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
        }
        List<String> faults = Files.readAllLines(file).stream().filter(l -> !l.isBlank() && !l.equals(DONE)).toList();
        if (finished()) {
            return faults;
        }
        return Stream.concat(faults.stream(), Stream.of("(the injector had not finished)")).toList();
    }

    private boolean finished() throws IOException {
        return Files.exists(file) && Files.readAllLines(file).contains(DONE);
    }
}
