package dev.postdate.deploy.grafana;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The meters the components' main sources register, found by their registration calls. It keeps
 * {@link ExportedMetrics} complete: every name found here must be in its registry, so a meter added in
 * a class it does not construct fails the build instead of leaving the dashboard check blind to it.
 * A registration must name its meter with a string literal (as all of them do); one that does not
 * is reported rather than skipped.
 */
final class MeterSources {

    /** The modules whose code runs in the components that serve /prometheus. */
    static final List<String> MODULES =
            List.of("core", "clickhouse", "api", "ingest-consumer", "ranger", "worker", "campaign-expander",
                    "feedback-consumer", "tracker", "janitor");

    private static final Pattern REGISTRATION = Pattern.compile(
            "\\b(?:Counter|Timer|Gauge|DistributionSummary|FunctionCounter|FunctionTimer|LongTaskTimer|TimeGauge)"
                    + "\\.builder\\(|\\.(?:counter|gauge|timer|summary)\\(|@(?:Timed|Counted)\\b");
    private static final Pattern NAME = Pattern.compile("\\s*(?:\\(\\s*(?:value\\s*=\\s*)?)?\"([^\"]+)\"");

    /**
     * @param names          meter name to the first place that registers it ({@code file:line})
     * @param withoutLiteral places of registrations whose name is not a string literal
     */
    record Registrations(Map<String, String> names, List<String> withoutLiteral) {
    }

    private MeterSources() {
    }

    /** @param root the repository (Surefire runs in the module's directory, two levels below) */
    static Registrations scan(Path root) {
        Registrations found = new Registrations(new TreeMap<>(), new ArrayList<>());
        for (String module : MODULES) {
            Path sources = root.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                throw new IllegalStateException("no sources at " + sources.toAbsolutePath());
            }
            try (Stream<Path> files = Files.walk(sources)) {
                files.filter(file -> file.toString().endsWith(".java")).sorted()
                        .forEach(file -> scan(root.relativize(file).toString(), read(file), found));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    static void scan(String file, String source, Registrations found) {
        Matcher registration = REGISTRATION.matcher(source);
        while (registration.find()) {
            String place = file + ":" + lineOf(source, registration.start());
            Matcher name = NAME.matcher(source).region(registration.end(), source.length());
            if (name.lookingAt()) {
                found.names().putIfAbsent(name.group(1), place);
            } else {
                found.withoutLiteral().add(place);
            }
        }
    }

    private static int lineOf(String source, int offset) {
        return (int) source.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
