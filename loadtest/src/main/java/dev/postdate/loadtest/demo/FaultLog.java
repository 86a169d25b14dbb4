package dev.postdate.loadtest.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The faults ./postdate chaos injected, one line each, written by the injector while the client
 * runs. The injector ends the file with {@value #DONE}; the report waits for it so that the list is whole.
 */
final class FaultLog {

    static final String DONE = "# done";
    /** The injector's last word: how many emails its faults could leave in doubt at most. */
    static final String IN_DOUBT_BOUND = "in_doubt_bound=";

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

    /** The in-doubt bound the injector wrote among the faults, if it did. */
    static OptionalLong inDoubtBound(List<String> faults) {
        return faults.stream().filter(line -> line.startsWith(IN_DOUBT_BOUND))
                .mapToLong(line -> Long.parseLong(line.substring(IN_DOUBT_BOUND.length()).strip()))
                .findFirst();
    }

    private List<String> lines() throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
