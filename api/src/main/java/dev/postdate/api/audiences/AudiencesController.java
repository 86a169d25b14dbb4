package dev.postdate.api.audiences;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.api.auth.ApiKeyAuthFilter;
import dev.postdate.api.intake.EmailRequestReader;
import dev.postdate.api.intake.QueryNumbers;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.Problem;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.audiences.AudienceCounts;
import dev.postdate.clickhouse.audiences.AudienceVersion;
import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.clickhouse.contacts.ContactStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
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

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /v1/audiences}: versioned rules that select the caller's tenant's contacts (docs/audiences.md). */
@Controller("/v1/audiences")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AudiencesController {

    @Serdeable
    @Schema(name = "AudienceSave")
    public record SaveRequest(String name,
                              @Schema(type = "object", description = "all / any / not over conditions {field|attr, op, value}")
                              Map<String, Object> rule) {
    }

    @Serdeable
    public record SavedAudience(String id, int version, String name) {
    }

    @Serdeable
    @Schema(name = "Audience")
    public record AudienceView(String id, int version, String name,
                               @Schema(type = "object", description = "the rule as saved") JsonNode rule,
                               @JsonProperty("created_at") String createdAt, @Nullable List<Integer> versions) {
    }

    @Serdeable
    @Schema(name = "AudienceCount")
    public record CountView(String id, int version, long matching,
                            @Schema(description = "matching contacts that are active and not suppressed: the ones a campaign mails") long eligible,
                            @Schema(description = "matching contacts left out, by reason: their status, or suppressed (active ones only)") Map<String, Long> excluded,
                            @JsonProperty("counted_at") String countedAt) {
    }

    @Serdeable
    public record SampleContact(String id, String email, @Nullable String name) {
    }

    @Serdeable
    @Schema(name = "AudienceSample")
    public record SampleView(String id, int version, List<SampleContact> contacts) {
    }

    private static final Set<String> SAVE_FIELDS = Set.of("name", "rule");
    private static final int DEFAULT_SAMPLE = 20;
    private static final int MAX_SAMPLE = 100;

    private final EmailRequestReader json;
    private final Audiences audiences;
    private final AudienceCounts counts;
    private final Clock clock;

    public AudiencesController(EmailRequestReader json, Audiences audiences, AudienceCounts counts, Clock clock) {
        this.json = json;
        this.audiences = audiences;
        this.counts = counts;
        this.clock = clock;
    }

    @Operation(operationId = "createAudience", summary = "Create an audience (version 1)")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = SaveRequest.class)))
    @ApiResponse(responseCode = "201", description = "the new audience's id and version")
    @ApiResponse(responseCode = "400", description = "malformed JSON", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "invalid name or rule; each error names its JSON path (rule.all[2].value)", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post
    @Consumes(MediaType.APPLICATION_JSON)
    @Status(HttpStatus.CREATED)
    public SavedAudience create(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                @Body @Nullable byte[] body) {
        JsonNode root = body(body);
        return saved(audiences.create(tenant, root.get("name"), root.get("rule")));
    }

    @Operation(operationId = "updateAudience", summary = "Save a new version of an audience",
            description = "Earlier versions stay as they were: campaigns pin one.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = SaveRequest.class)))
    @ApiResponse(responseCode = "200", description = "the audience's id and new version")
    @ApiResponse(responseCode = "400", description = "malformed JSON", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such audience", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "invalid name or rule; each error names its JSON path", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Put("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public SavedAudience update(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                @PathVariable String id, @Body @Nullable byte[] body) {
        JsonNode root = body(body);
        return saved(audiences.update(tenant, id, root.get("name"), root.get("rule")));
    }

    @Operation(operationId = "getAudience", summary = "The latest version of an audience, with the list of its versions")
    @ApiResponse(responseCode = "200", description = "the audience")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such audience", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{id}")
    public AudienceView get(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                            @PathVariable String id) {
        return view(audiences.latest(tenant, id), audiences.versions(tenant, id));
    }

    @Operation(operationId = "getAudienceVersion", summary = "One version of an audience")
    @ApiResponse(responseCode = "200", description = "the version")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such audience or version", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{id}/versions/{version}")
    public AudienceView version(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                @PathVariable String id, @PathVariable String version) {
        Integer number = positive(version);
        if (number == null) {
            throw new ProblemException(ProblemType.NOT_FOUND, "The audience has no version " + version);
        }
        return view(audiences.version(tenant, id, number), null);
    }

    @Operation(operationId = "countAudience", summary = "How many contacts an audience selects now",
            description = "Counted live over each contact's latest version; matching contacts that are not active are"
                    + " excluded by status, active ones on the suppression list as suppressed, and with a topic the"
                    + " active unsuppressed ones that have not granted its consent as no_consent.")
    @ApiResponse(responseCode = "200", description = "the counts")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such audience or version", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "version is not a positive whole number, or topic is not a topic", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{id}/count")
    public CountView count(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                           @PathVariable String id,
                           @Parameter(description = "a version; default the latest") @Nullable @QueryValue String version,
                           @Parameter(description = "a consent topic the mail needs") @Nullable @QueryValue String topic) {
        AudienceVersion pinned = audiences.pinned(tenant, id, QueryNumbers.optional(version, 1, Integer.MAX_VALUE, "version"));
        Instant now = clock.instant();
        AudienceCounts.Count count = counts.count(tenant, audiences.rule(pinned), now, checkedTopic(topic));
        Map<String, Long> excluded = new LinkedHashMap<>();
        count.byStatus().forEach((status, n) -> {
            if (status != ContactStatus.ACTIVE) {
                excluded.put(status.wireName(), n);
            }
        });
        excluded.put("suppressed", count.suppressed());
        excluded.put("no_consent", count.unconsented());
        return new CountView(id, pinned.version(), count.matching(), count.eligible(), excluded, now.toString());
    }

    @Operation(operationId = "sampleAudience", summary = "Some contacts an audience selects now that would be mailed",
            description = "The same contacts on every call while the contacts do not change (a spread over ids, not random).")
    @ApiResponse(responseCode = "200", description = "up to n contacts")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such audience or version", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "n or version out of range", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{id}/sample")
    public SampleView sample(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                             @PathVariable String id,
                             @Parameter(description = "how many, 1 to 100; default 20") @Nullable @QueryValue String n,
                             @Parameter(description = "a version; default the latest") @Nullable @QueryValue String version,
                             @Parameter(description = "a consent topic the mail needs") @Nullable @QueryValue String topic) {
        int size = QueryNumbers.orDefault(n, DEFAULT_SAMPLE, 1, MAX_SAMPLE, "n");
        AudienceVersion pinned = audiences.pinned(tenant, id, QueryNumbers.optional(version, 1, Integer.MAX_VALUE, "version"));
        List<SampleContact> members = counts.sample(tenant, audiences.rule(pinned), clock.instant(), checkedTopic(topic),
                        size).stream()
                .map(m -> new SampleContact(m.id(), m.email(), m.name())).toList();
        return new SampleView(id, pinned.version(), members);
    }

    private static String checkedTopic(@Nullable String topic) {
        if (topic != null && !Consent.TOPIC.matcher(topic).matches()) {
            throw new ProblemException(ProblemType.VALIDATION, "Invalid topic", List.of(new FieldError("topic",
                    "1 to 64 of a-z 0-9 _ -, starting with a letter or digit")));
        }
        return topic;
    }

    private JsonNode body(@Nullable byte[] body) {
        JsonNode root = json.parse(body);
        List<FieldError> unknown = new ArrayList<>();
        root.entries().forEach(e -> {
            if (!SAVE_FIELDS.contains(e.getKey())) {
                unknown.add(new FieldError(e.getKey(), "unknown field (name, rule)"));
            }
        });
        if (!unknown.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "The audience was not saved", unknown);
        }
        return root;
    }

    private static Integer positive(String text) {
        try {
            int value = Integer.parseInt(text);
            return value > 0 ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static SavedAudience saved(AudienceVersion v) {
        return new SavedAudience(v.id(), v.version(), v.name());
    }

    private AudienceView view(AudienceVersion v, @Nullable List<Integer> versions) {
        return new AudienceView(v.id(), v.version(), v.name(), audiences.tree(v.rule()), v.createdAt().toString(), versions);
    }
}
