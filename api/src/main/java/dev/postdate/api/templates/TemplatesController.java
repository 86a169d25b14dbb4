package dev.postdate.api.templates;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.api.auth.ApiKeyAuthFilter;
import dev.postdate.api.intake.EmailRequestReader;
import dev.postdate.api.intake.JsonTrees;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.Problem;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.templates.TemplateStore;
import dev.postdate.core.template.RenderedEmail;
import dev.postdate.core.template.TemplateVersion;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /v1/templates}: versioned Pebble templates of the caller's tenant (docs/templates.md). */
@Controller("/v1/templates")
@ExecuteOn(TaskExecutors.BLOCKING)
public class TemplatesController {

    @Serdeable
    @Schema(name = "TemplateSave", description = "subject and html and/or text, as Pebble templates")
    public record SaveRequest(String name, String subject, @Nullable String html, @Nullable String text) {
    }

    @Serdeable
    @Schema(name = "TemplatePreview")
    public record PreviewRequest(@Nullable Map<String, Object> data, @Nullable Integer version) {
    }

    @Serdeable
    public record SavedTemplate(String name, int version) {
    }

    @Serdeable
    public record VersionView(int version, @JsonProperty("created_at") String createdAt) {
    }

    @Serdeable
    public record TemplateView(String name, int version, String subject, @Nullable String html, @Nullable String text,
                               @JsonProperty("created_at") String createdAt, @Nullable List<VersionView> versions) {
    }

    @Serdeable
    public record PreviewView(String name, int version, String subject, @Nullable String html, @Nullable String text) {
    }

    private static final Set<String> SAVE_FIELDS = Set.of("name", "subject", "html", "text");
    private static final Set<String> PREVIEW_FIELDS = Set.of("data", "version");

    private final EmailRequestReader reader;
    private final Templates templates;

    public TemplatesController(EmailRequestReader reader, Templates templates) {
        this.reader = reader;
        this.templates = templates;
    }

    @Operation(summary = "Save a new version of a template",
            description = "201 with the new version; 422 names each invalid part with its line and reason.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = SaveRequest.class)))
    @ApiResponse(responseCode = "201", description = "the template's name and new version")
    @ApiResponse(responseCode = "400", description = "malformed JSON", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "invalid fields; each error names its field and, for template syntax, its line", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post
    @Consumes(MediaType.APPLICATION_JSON)
    @Status(HttpStatus.CREATED)
    public SavedTemplate save(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                              @Body @Nullable byte[] body) {
        JsonNode root = reader.parse(body);
        List<FieldError> errors = new ArrayList<>();
        unknownFields(root, SAVE_FIELDS, errors);
        String name = string(root, "name", errors);
        String subject = string(root, "subject", errors);
        String html = string(root, "html", errors);
        String text = string(root, "text", errors);
        if (name == null) {
            errors.add(new FieldError("name", "required"));
        } else if (!TemplateNames.isValid(name)) {
            errors.add(new FieldError("name", "1 to 64 of a-z 0-9 _ -"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "The template was not saved: " + errors.size()
                    + " invalid field(s)", errors);
        }
        TemplateVersion saved = templates.save(tenant, name, subject, html, text);
        return new SavedTemplate(saved.name(), saved.version());
    }

    @Operation(summary = "The current (latest) version of a template, with the list of its versions")
    @ApiResponse(responseCode = "200", description = "the latest version and the list of versions")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such template", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{name}")
    public TemplateView current(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                @PathVariable String name) {
        TemplateVersion latest = templates.latest(tenant, name).orElseThrow(() -> Templates.notFound(name, null));
        List<VersionView> versions = templates.versions(tenant, name).stream()
                .map(v -> new VersionView(v.version(), v.createdAt().toString())).toList();
        return view(latest, versions);
    }

    @Operation(summary = "One version of a template")
    @ApiResponse(responseCode = "200", description = "the version")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such template version", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{name}/versions/{version}")
    public TemplateView version(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                @PathVariable String name, @PathVariable String version) {
        int number;
        try {
            number = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw Templates.notFound(name, null);
        }
        return view(templates.version(tenant, name, number).orElseThrow(() -> Templates.notFound(name, number)), null);
    }

    @Operation(summary = "Render a version (default: the latest) with sample data",
            description = "200 with subject, html and text as a worker would send them; 422 with the reason otherwise.")
    @RequestBody(content = @Content(schema = @Schema(implementation = PreviewRequest.class)))
    @ApiResponse(responseCode = "200", description = "subject, html and text as a worker would send them")
    @ApiResponse(responseCode = "400", description = "malformed JSON", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such template or version", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "invalid data or version, or the template does not render with it", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/{name}/preview")
    @Consumes(MediaType.APPLICATION_JSON)
    @SuppressWarnings("unchecked")
    public PreviewView preview(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                               @PathVariable String name, @Body @Nullable byte[] body) {
        JsonNode root = body == null || body.length == 0 ? JsonNode.createObjectNode(Map.of()) : reader.parse(body);
        List<FieldError> errors = new ArrayList<>();
        unknownFields(root, PREVIEW_FIELDS, errors);
        JsonNode data = root.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            errors.add(new FieldError("data", "must be an object"));
        }
        JsonNode versionNode = root.get("version");
        Integer version = null;
        if (versionNode != null && !versionNode.isNull()) {
            if (versionNode.isNumber() && isPositiveInt(versionNode)) {
                version = versionNode.getIntValue();
            } else {
                errors.add(new FieldError("version", "must be an integer of 1 or more"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "Nothing was rendered: " + errors.size()
                    + " invalid field(s)", errors);
        }
        Map<String, Object> values = data == null || data.isNull() ? Map.of() : (Map<String, Object>) JsonTrees.toJava(data);
        Templates.Preview preview = templates.preview(tenant, name, version, values);
        RenderedEmail rendered = preview.rendered();
        return new PreviewView(name, preview.version(), rendered.subject(), rendered.html(), rendered.text());
    }

    private static TemplateView view(TemplateVersion v, @Nullable List<VersionView> versions) {
        return new TemplateView(v.name(), v.version(), v.subject(), v.html(), v.text(), v.createdAt().toString(), versions);
    }

    private static void unknownFields(JsonNode node, Set<String> known, List<FieldError> errors) {
        for (Map.Entry<String, JsonNode> entry : node.entries()) {
            if (!known.contains(entry.getKey())) {
                errors.add(new FieldError(entry.getKey(), "unknown field"));
            }
        }
    }

    private static String string(JsonNode node, String name, List<FieldError> errors) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            errors.add(new FieldError(name, "must be a string"));
            return null;
        }
        return value.getStringValue();
    }

    private static boolean isPositiveInt(JsonNode number) {
        try {
            return number.getBigDecimalValue().intValueExact() >= 1;
        } catch (ArithmeticException | NumberFormatException e) { // NumberFormatException: beyond a double, e.g. 1e999
            return false;
        }
    }
}
