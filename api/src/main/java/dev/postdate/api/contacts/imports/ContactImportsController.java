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
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /v1/contacts/imports}: contacts from a CSV or NDJSON file, sent whole or in parts, each part
 * imported before it is answered (docs/contacts.md, "Imports").
 */
@Controller("/v1/contacts/imports")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ContactImportsController {

    private static final String CSV = "text/csv";
    private static final String NDJSON = "application/x-ndjson";

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
        ImportFormat format = format(request);
        boolean isLast = flag(last);
        byte[] bytes = body == null ? new byte[0] : body;
        // Milliseconds, as stored: the answer reads the same as a later GET.
        Instant now = Instant.ofEpochMilli(clock.millis());
        String id = UUID.randomUUID().toString();
        ContactImport result;
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
                    List.of(), columnsJson(columns), now, now, 0);
            result = importer.run(tenant, from, part.rows(columns), isLast, ContactImportsController::csvField);
        } else {
            if (types != null) {
                throw invalid(List.of(new FieldError("types", "only for CSV: NDJSON values carry their types")));
            }
            ContactImport from = new ContactImport(id, format.wireName(), ContactImport.IMPORTING, 0, 0, 0, 0, 0,
                    List.of(), "{}", now, now, 0);
            result = importer.run(tenant, from, PartRows.ndjson(bytes, 0, json), isLast, path -> path);
        }
        return HttpResponse.created(ImportView.of(result), URI.create("/v1/contacts/imports/" + id));
    }

    @Operation(operationId = "importContactsPart", summary = "The next part of an import",
            description = "Parts are numbered from 1 (the POST) and sent in order, each cut at a line end (CSV: outside"
                    + " quotes) and without the header. Sending a part that was already imported again changes"
                    + " nothing and answers the import as it is.")
    @RequestBody(required = true, content = {@Content(mediaType = CSV, schema = @Schema(type = "string")),
            @Content(mediaType = NDJSON, schema = @Schema(type = "string"))})
    @ApiResponse(responseCode = "200", description = "the import after this part")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such import", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "the import is done, or another part is expected (the detail says which)", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "413", description = "the part is over max-request-size", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "415", description = "not the import's format", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "part or final out of range", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable; send the part again", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Put("/{id}/parts/{part}")
    @Consumes({CSV, NDJSON})
    public ImportView part(HttpRequest<?> request,
                           @Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                           @PathVariable String id, @Parameter(description = "2, 3, ...") @PathVariable String part,
                           @Parameter(description = "true (default): the file's last part") @Nullable @QueryValue("final") String last,
                           @Body @Nullable byte[] body) {
        int number = QueryNumbers.orDefault(part, 0, 2, Integer.MAX_VALUE, "part");
        boolean isLast = flag(last);
        ContactImport from = store.lastPartEnd(tenant, id).orElseThrow(ContactImportsController::notFound);
        if (number <= from.parts()) {
            return ImportView.of(store.find(tenant, id).orElse(from));
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
        ContactImport result = format == ImportFormat.CSV
                ? importer.run(tenant, from, new PartRows.CsvPart(bytes, from.lines()).rows(columns(from.columns())),
                        isLast, ContactImportsController::csvField)
                : importer.run(tenant, from, PartRows.ndjson(bytes, from.lines(), json), isLast, path -> path);
        return ImportView.of(result);
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

    private String columnsJson(CsvColumns columns) {
        Map<String, JsonNode> types = new LinkedHashMap<>();
        columns.types().forEach((name, type) -> types.put(name, JsonNode.createStringNode(type)));
        try {
            return json.writeValueAsString(JsonNode.createObjectNode(Map.of(
                    "header", JsonNode.createArrayNode(columns.header().stream().map(JsonNode::createStringNode).toList()),
                    "types", JsonNode.createObjectNode(types))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CsvColumns columns(String stored) {
        try {
            JsonNode node = json.readValue(stored, JsonNode.class);
            List<String> header = new ArrayList<>();
            node.get("header").values().forEach(h -> header.add(h.getStringValue()));
            Map<String, String> types = new LinkedHashMap<>();
            node.get("types").entries().forEach(e -> types.put(e.getKey(), e.getValue().getStringValue()));
            return new CsvColumns(header, types);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProblemException invalid(List<FieldError> errors) {
        return new ProblemException(ProblemType.VALIDATION, "Nothing was imported: " + errors.size() + " problem(s)", errors);
    }

    private static ProblemException notFound() {
        return new ProblemException(ProblemType.NOT_FOUND, "The tenant has no such import");
    }
}
