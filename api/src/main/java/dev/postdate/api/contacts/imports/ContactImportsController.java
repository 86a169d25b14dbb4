package dev.postdate.api.contacts.imports;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.postdate.api.auth.ApiKeyAuthFilter;
import dev.postdate.api.intake.QueryNumbers;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.Problem;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.contacts.ContactImport;
import dev.postdate.clickhouse.contacts.ContactImportStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code /v1/contacts/imports}: contacts from a CSV or NDJSON file, sent whole or in parts, each part
 * imported before it is answered (docs/contacts.md, "Imports").
 */
@Controller("/v1/contacts/imports")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ContactImportsController {

    private static final String CSV = "text/csv";
    private static final String NDJSON = "application/x-ndjson";
    /** An import id a client chooses (PUT part 1). */
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    @Serdeable
    public record ImportList(@JsonInclude(JsonInclude.Include.ALWAYS) List<ImportView> imports) {
    }

    private final PartImporter importer;
    private final ContactImportStore store;
    private final ImportSettings settings;
    private final JsonMapper json;
    private final Clock clock;

    public ContactImportsController(PartImporter importer, ContactImportStore store, ImportSettings settings,
                                    JsonMapper json, Clock clock) {
        this.importer = importer;
        this.store = store;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    @Operation(operationId = "importContacts", summary = "Import contacts from CSV or NDJSON: the whole file, or its first part",
            description = "CSV: a header row (id, email, name, timezone, locale, status, version, consent.TOPIC, and one"
                    + " column per attribute), attribute types declared in types or inferred per cell; list cells"
                    + " separate their strings with |. NDJSON: one contact per line as POST /v1/contacts takes it."
                    + " Each row is upserted as POST /v1/contacts upserts it (a row without id gets its lower-case"
                    + " address as id); a bad row is recorded with its line, field and reason and never stops the"
                    + " others. With final=false more parts follow (PUT .../parts/{n}). Answered once the part's"
                    + " rows are stored.")
    @RequestBody(required = true, content = {@Content(mediaType = CSV, schema = @Schema(type = "string")),
            @Content(mediaType = NDJSON, schema = @Schema(type = "string"))})
    @ApiResponse(responseCode = "201", description = "the import after its first part; Location is its URL")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "413", description = "the part is over max-request-size: send the file in parts", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "415", description = "neither text/csv nor application/x-ndjson", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "a CSV header or types that cannot be imported, or final not true/false; nothing was imported", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable; send the part again (rows are upserted, so a repeat changes nothing)", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post
    @Consumes({CSV, NDJSON})
    public HttpResponse<ImportView> start(HttpRequest<?> request,
                                          @Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                          @Parameter(description = "CSV attribute types, e.g. plan:string,churn_risk:number,tags:list")
                                          @Nullable @QueryValue String types,
                                          @Parameter(description = "true (default): this is the whole file; false: more parts follow")
                                          @Nullable @QueryValue("final") String last,
                                          @Body @Nullable byte[] body) {
        String id = UUID.randomUUID().toString();
        return HttpResponse.created(ImportView.of(first(request, tenant, id, types, flag(last), body)),
                URI.create("/v1/contacts/imports/" + id));
    }

    @Operation(operationId = "importContactsPart", summary = "A part of an import, by number",
            description = "Parts are numbered from 1 and sent in order, each cut at a line end (CSV: outside quotes);"
                    + " only the first holds the CSV header. Part 1 here starts an import under an id the client chose"
                    + " (1 to 64 of A-Z a-z 0-9 _ -), so that it too can be sent again safely; POST starts one under an"
                    + " id the api chooses. Sending a part that was already imported again changes nothing and"
                    + " answers the import as it is.")
    @RequestBody(required = true, content = {@Content(mediaType = CSV, schema = @Schema(type = "string")),
            @Content(mediaType = NDJSON, schema = @Schema(type = "string"))})
    @ApiResponse(responseCode = "200", description = "the import after this part")
    @ApiResponse(responseCode = "201", description = "part 1 started the import")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "a part after the first of an import the tenant does not have", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "the import is done, or another part is expected (the detail says which)", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "413", description = "the part is over max-request-size", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "415", description = "not the import's format", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "id, part, final, or the first part's header or types", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable; send the part again", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Put("/{id}/parts/{part}")
    @Consumes({CSV, NDJSON})
    public HttpResponse<ImportView> part(HttpRequest<?> request,
                                         @Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                         @PathVariable String id, @Parameter(description = "1, 2, ...") @PathVariable String part,
                                         @Parameter(description = "part 1 of a CSV import: its attribute types")
                                         @Nullable @QueryValue String types,
                                         @Parameter(description = "true (default): the file's last part") @Nullable @QueryValue("final") String last,
                                         @Body @Nullable byte[] body) {
        int number = QueryNumbers.orDefault(part, 0, 1, Integer.MAX_VALUE, "part");
        boolean isLast = flag(last);
        Optional<ContactImport> found = store.lastPartEnd(tenant, id);
        if (found.isEmpty() && number == 1) {
            if (!CLIENT_ID.matcher(id).matches()) {
                throw invalid(List.of(new FieldError("id", "1 to 64 of A-Z a-z 0-9 _ -")));
            }
            return HttpResponse.created(ImportView.of(first(request, tenant, id, types, isLast, body)));
        }
        ContactImport from = found.orElseThrow(ContactImportsController::notFound);
        if (number <= from.parts()) {
            return HttpResponse.ok(ImportView.of(store.find(tenant, id).orElse(from)));
        }
        if (from.state().equals(ContactImport.DONE)) {
            throw new ProblemException(ProblemType.CONFLICT, "The import is done after part " + from.parts());
        }
        if (number != from.parts() + 1) {
            throw new ProblemException(ProblemType.CONFLICT, "Part " + (from.parts() + 1) + " is expected next");
        }
        ImportFormat format = format(request);
        if (!format.wireName().equals(from.format())) {
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "This import is " + from.format());
        }
        byte[] bytes = body == null ? new byte[0] : body;
        ContactImport result;
        if (format == ImportFormat.CSV) {
            PartRows rows = new PartRows.CsvPart(bytes, from.lines()).rows(CsvColumns.fromJson(json, from.columns()));
            result = importer.run(tenant, from, rows, isLast, ContactImportsController::csvField);
        } else {
            result = importer.run(tenant, from, PartRows.ndjson(bytes, from.lines(), json), isLast, path -> path);
        }
        return HttpResponse.ok(ImportView.of(result));
    }

    /** Starts the import {@code id} with its first part: for CSV the header first, refused whole if it cannot be imported. */
    private ContactImport first(HttpRequest<?> request, String tenant, String id, @Nullable String types, boolean isLast,
                                @Nullable byte[] body) {
        ImportFormat format = format(request);
        byte[] bytes = body == null ? new byte[0] : body;
        // Milliseconds, as stored: the answer reads the same as a later GET.
        Instant now = Instant.ofEpochMilli(clock.millis());
        if (format == ImportFormat.CSV) {
            PartRows.CsvPart part = new PartRows.CsvPart(bytes, 0);
            List<FieldError> errors = new ArrayList<>();
            List<String> header;
            try {
                header = part.header();
            } catch (UncheckedIOException e) {
                throw invalid(List.of(new FieldError("header", "not a CSV record: " + e.getCause().getMessage())));
            }
            CsvColumns columns = CsvColumns.of(header, types, errors);
            if (!errors.isEmpty()) {
                throw invalid(errors);
            }
            ContactImport from = new ContactImport(id, format.wireName(), ContactImport.IMPORTING, 0, 0, 0, 0, 0,
                    List.of(), columns.toJson(json), now, now, 0);
            return importer.run(tenant, from, part.rows(columns), isLast, ContactImportsController::csvField);
        }
        if (types != null) {
            throw invalid(List.of(new FieldError("types", "only for CSV: NDJSON values carry their types")));
        }
        ContactImport from = new ContactImport(id, format.wireName(), ContactImport.IMPORTING, 0, 0, 0, 0, 0,
                List.of(), "{}", now, now, 0);
        return importer.run(tenant, from, PartRows.ndjson(bytes, 0, json), isLast, path -> path);
    }

    @Operation(operationId = "getContactImport", summary = "An import's progress, counts and first row errors")
    @ApiResponse(responseCode = "200", description = "the import")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such import", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{id}")
    public ImportView get(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                          @PathVariable String id) {
        return store.find(tenant, id).map(ImportView::of).orElseThrow(ContactImportsController::notFound);
    }

    @Operation(operationId = "listContactImports", summary = "The tenant's latest imports, newest first")
    @ApiResponse(responseCode = "200", description = "up to list-limit imports (50)")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get
    public ImportList list(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant) {
        return new ImportList(store.list(tenant, settings.listLimit()).stream().map(ImportView::of).toList());
    }

    private static ImportFormat format(HttpRequest<?> request) {
        Optional<MediaType> type = request.getContentType();
        String name = type.map(t -> t.getType() + "/" + t.getSubtype()).orElse("").toLowerCase(Locale.ROOT);
        return switch (name) {
            case CSV -> ImportFormat.CSV;
            case NDJSON -> ImportFormat.NDJSON;
            default -> throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "text/csv or application/x-ndjson");
        };
    }

    private static boolean flag(@Nullable String value) {
        if (value == null || value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw invalid(List.of(new FieldError("final", "true or false")));
    }

    /** A reader's JSON path as the CSV names it: attributes by their column, the rest as they are. */
    private static String csvField(String path) {
        String field = path.startsWith("attributes.") ? path.substring("attributes.".length()) : path;
        int index = field.indexOf('[');
        field = index < 0 ? field : field.substring(0, index);
        if (field.startsWith("consent.")) {
            int end = field.indexOf('.', "consent.".length());
            return end < 0 ? field : field.substring(0, end);
        }
        return field;
    }

    private static ProblemException invalid(List<FieldError> errors) {
        return new ProblemException(ProblemType.VALIDATION, "Nothing was imported: " + errors.size() + " problem(s)", errors);
    }

    private static ProblemException notFound() {
        return new ProblemException(ProblemType.NOT_FOUND, "The tenant has no such import");
    }
}
