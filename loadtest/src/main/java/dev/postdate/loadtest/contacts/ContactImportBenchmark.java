package dev.postdate.loadtest.contacts;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * Issue 18's import goal (1,000,000 contacts from CSV at >= 100,000 rows/s): generates a CSV file of
 * {@code --rows} contacts with ten columns (five attributes, a consent), then imports it through the
 * running api as {@code ./postdate contacts import} does, {@code --runs} times (the first run creates
 * the contacts, later ones upsert the same again). Reports the api's time (the import's first to last
 * write) and the client's (reading the file and sending it included).
 */
@Command(name = "contact-import-benchmark", mixinStandardHelpOptions = true)
public class ContactImportBenchmark implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "the api")
    String url;

    @Option(names = "--rows", defaultValue = "1000000", description = "contacts in the file")
    int rows;

    @Option(names = "--runs", defaultValue = "3", description = "imports of the file")
    int runs;

    @Option(names = "--part-bytes", defaultValue = "8388608", description = "bytes per request")
    int partBytes;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ContactImportBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String key = System.getenv("POSTDATE_BENCH_API_KEY");
        if (key == null) {
            System.err.println("POSTDATE_BENCH_API_KEY is not set");
            return 2;
        }
        Path file = Files.createTempFile("postdate-contacts-", ".csv");
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            generate(file);
            System.out.printf("file: %,d contacts, %,d bytes%n", rows, Files.size(file));
            ImportUpload upload = new ImportUpload(http, JsonMapper.createDefault(), url, key, partBytes, 3);
            double[] server = new double[runs];
            double[] client = new double[runs];
            for (int run = 0; run < runs; run++) {
                long started = System.nanoTime();
                JsonNode state = upload.upload(file, true, "churn_risk:number", (sent, now) -> { }, note -> { });
                client[run] = (System.nanoTime() - started) / 1e9;
                server[run] = Duration.between(Instant.parse(state.get("created_at").getStringValue()),
                        Instant.parse(state.get("updated_at").getStringValue())).toMillis() / 1000.0;
                if (state.get("imported").getLongValue() != rows) {
                    System.err.println("imported " + state.get("imported").getLongValue() + " of " + rows + ": " + state);
                    return 1;
                }
                System.out.printf("run %d: api %.1f s (%,.0f rows/s), client %.1f s (%,.0f rows/s)%n", run + 1,
                        server[run], rows / server[run], client[run], rows / client[run]);
            }
            Arrays.sort(server);
            Arrays.sort(client);
            System.out.printf("median of %d runs, %,d rows from CSV: api %,.0f rows/s (best %,.0f), client %,.0f rows/s"
                            + " (goal 100,000 rows/s)%n", runs, rows, rows / server[runs / 2], rows / server[0],
                    rows / client[runs / 2]);
            return 0;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void generate(Path file) throws IOException {
        String[] plans = {"free", "pro", "team"};
        String[] countries = {"DE", "FR", "US", "GB", "ES"};
        Random random = new Random(18);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("id,email,name,timezone,locale,plan,country,churn_risk,last_login,consent.newsletter\n");
            for (int i = 0; i < rows; i++) {
                out.write(String.format(Locale.ROOT, "c-%d,user%d@example.com,User %d,Europe/Berlin,de,%s,%s,%.3f,2026-11-%02dT10:00:00Z,%s%n",
                        i, i, i, plans[i % 3], countries[i % 5], random.nextDouble(), 1 + i % 28, i % 2 == 1));
            }
        }
    }
}
