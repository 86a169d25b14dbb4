package dev.postdate.loadtest.contacts;

import dev.postdate.clickhouse.keys.ApiKeyStore;
import dev.postdate.clickhouse.keys.CreatedApiKey;
import dev.postdate.loadtest.ProgressBoard;
import dev.postdate.loadtest.ToolContext;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./postdate contacts import FILE --tenant T}: the file through the running api's
 * {@code /v1/contacts/imports}, in parts of {@code --part-bytes} cut at record ends, each sent again
 * on a failure (an upsert repeated changes nothing), with a progress bar and the import's row errors
 * at the end (docs/contacts.md, "Imports").
 */
@Command(name = "contacts import", mixinStandardHelpOptions = true,
        description = "Import contacts from a CSV or NDJSON file through the api")
public class ContactsImport implements Callable<Integer> {

    private static final int ERRORS_SHOWN = 20;

    @Parameters(index = "0", description = "a .csv file (header row) or an .ndjson / .jsonl file")
    Path file;

    @Option(names = "--tenant", required = true, description = "the tenant whose contacts these are")
    String tenant;

    @Option(names = "--types", description = "CSV attribute types, e.g. plan:string,churn_risk:number,tags:list")
    String types;

    @Option(names = "--format", description = "csv or ndjson; default: by the file's extension")
    String format;

    @Option(names = "--api", defaultValue = "${env:POSTDATE_API_URL:-http://127.0.0.1:8080}",
            description = "the api's URL (env POSTDATE_API_URL)")
    String api;

    @Option(names = "--part-bytes", defaultValue = "8388608", description = "about this many bytes per request")
    int partBytes;

    @Option(names = "--attempts", defaultValue = "5", description = "tries of each part")
    int attempts;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ContactsImport()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        boolean csv = isCsv();
        String mediaType = csv ? "text/csv" : "application/x-ndjson";
        long size = Files.size(file);
        try (ApplicationContext context = ToolContext.run(Map.of("postdate.clickhouse.migrate-on-start", false));
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
             InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            JsonMapper json = context.getBean(JsonMapper.class);
            String envKey = System.getenv("POSTDATE_API_KEY");
            ApiKeyStore keys = context.getBean(ApiKeyStore.class);
            // A key of the tenant's for this import only, unless one is given; revoked at the end.
            CreatedApiKey created = envKey == null ? keys.create(tenant, Duration.ofHours(24)) : null;
            String key = envKey != null ? envKey : created.key();
            try {
                return run(http, json, key, new FileParts(in, partBytes, csv), mediaType, size);
            } finally {
                if (created != null) {
                    keys.revoke(created.keyId());
                }
            }
        }
    }

    private int run(HttpClient http, JsonMapper json, String key, FileParts parts, String mediaType, long size)
            throws Exception {
        ProgressBoard board = new ProgressBoard(System.out, System.console() != null, 10);
        long sent = 0;
        JsonNode state = null;
        String path = null;
        int number = 0;
        for (byte[] part = parts.next(); part != null; part = parts.next()) {
            number++;
            boolean last = parts.isLast();
            String query = "?final=" + last;
            HttpRequest.Builder request;
            if (number == 1) {
                if (types != null) {
                    query += "&types=" + URLEncoder.encode(types, StandardCharsets.UTF_8);
                }
                request = HttpRequest.newBuilder(URI.create(api + "/v1/contacts/imports" + query))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(part));
            } else {
                request = HttpRequest.newBuilder(URI.create(api + path + "/parts/" + number + query))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(part));
            }
            request.header("Authorization", "Bearer " + key).header("Content-Type", mediaType)
                    .timeout(Duration.ofMinutes(10));
            HttpResponse<String> response = send(http, request.build(), board);
            if (response.statusCode() >= 300) {
                System.err.printf("part %d: HTTP %d %s%n", number, response.statusCode(), response.body());
                return 1;
            }
            state = json.readValue(response.body(), JsonNode.class);
            if (number == 1) {
                path = "/v1/contacts/imports/" + state.get("id").getStringValue();
            }
            sent += part.length;
            board.draw(List.of(new ProgressBoard.Bar("bytes", sent, size)), String.format(
                    "rows %,d  imported %,d  failed %,d", state.get("rows").getLongValue(),
                    state.get("imported").getLongValue(), state.get("failed").getLongValue()));
        }
        if (state == null) {
            System.err.println(file + " is empty");
            return 1;
        }
        System.out.printf("import %s %s: %,d rows, %,d imported, %,d failed%n", state.get("id").getStringValue(),
                state.get("state").getStringValue(), state.get("rows").getLongValue(),
                state.get("imported").getLongValue(), state.get("failed").getLongValue());
        int shown = 0;
        for (JsonNode error : state.get("errors").values()) {
            if (shown++ == ERRORS_SHOWN) {
                break;
            }
            System.out.printf("  line %d %s: %s%n", error.get("line").getLongValue(),
                    error.get("field").getStringValue(), error.get("reason").getStringValue());
        }
        if (state.get("failed").getLongValue() > shown) {
            System.out.printf("  (the first %d errors are kept: GET %s)%n", state.get("errors").size(), path);
        }
        return 0;
    }

    /** Sends again on a connection failure or a 503; anything else is the answer. */
    private HttpResponse<String> send(HttpClient http, HttpRequest request, ProgressBoard board) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 503 || attempt == attempts) {
                    return response;
                }
                board.note("api unavailable (503), sending the part again");
            } catch (IOException e) {
                if (attempt == attempts) {
                    throw e;
                }
                board.note("sending the part failed (" + e.getMessage() + "), sending it again");
            }
            Thread.sleep(1000L * attempt);
        }
    }

    private boolean isCsv() {
        String name = format != null ? format : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.equals("csv") || name.endsWith(".csv")) {
            return true;
        }
        if (name.equals("ndjson") || name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
            return false;
        }
        throw new CommandLine.ParameterException(new CommandLine(this), "--format csv or ndjson: the extension does not say");
    }
}
