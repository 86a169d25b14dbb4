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

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./postdate contacts import FILE --tenant T}: the file through the running api's
 * {@code /v1/contacts/imports} ({@link ImportUpload}), with a progress bar and the import's row errors
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
        if (partBytes < 1 || attempts < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--part-bytes and --attempts must be at least 1");
        }
        boolean csv = isCsv();
        long size = Files.size(file);
        try (ApplicationContext context = ToolContext.run(Map.of("postdate.clickhouse.migrate-on-start", false));
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            JsonMapper json = context.getBean(JsonMapper.class);
            String envKey = System.getenv("POSTDATE_API_KEY");
            ApiKeyStore keys = context.getBean(ApiKeyStore.class);
            // A key of the tenant's for this import only, unless one is given; revoked at the end.
            CreatedApiKey created = envKey == null ? keys.create(tenant, Duration.ofHours(24)) : null;
            String key = envKey != null ? envKey : created.key();
            ProgressBoard board = new ProgressBoard(System.out, System.console() != null, 10);
            JsonNode state;
            try {
                state = new ImportUpload(http, json, api, key, partBytes, attempts).upload(file, csv, types,
                        (sent, now) -> board.draw(List.of(new ProgressBoard.Bar("bytes", sent, size)), String.format(
                                "rows %,d  imported %,d  failed %,d", now.get("rows").getLongValue(),
                                now.get("imported").getLongValue(), now.get("failed").getLongValue())), board::note);
            } catch (ImportUpload.UploadFailed e) {
                System.err.println(e.getMessage());
                return 1;
            } finally {
                if (created != null) {
                    keys.revoke(created.keyId());
                }
            }
            report(state);
            return 0;
        }
    }

    private static void report(JsonNode state) {
        String id = state.get("id").getStringValue();
        System.out.printf("import %s %s: %,d rows, %,d imported, %,d failed%n", id,
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
        if (state.get("failed").getLongValue() > Math.min(shown, ERRORS_SHOWN)) {
            System.out.printf("  (the first %d errors are kept: GET /v1/contacts/imports/%s)%n",
                    state.get("errors").size(), id);
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
