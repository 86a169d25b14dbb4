package dev.postdate.api.suppressions;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.api.auth.ApiKeyAuthFilter;
import dev.postdate.api.contacts.ContactLimits;
import dev.postdate.api.intake.EmailRequestReader;
import dev.postdate.api.intake.FieldPaths;
import dev.postdate.api.intake.OneOrBatch;
import dev.postdate.api.intake.QueryNumbers;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.Problem;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import dev.postdate.core.time.Rfc3339;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /v1/suppressions}: addresses and domains the caller's tenant never mails (docs/suppressions.md). */
@Controller("/v1/suppressions")
@ExecuteOn(TaskExecutors.BLOCKING)
public class SuppressionsController {

    @Serdeable
    @Schema(name = "SuppressionWrite", description = "exactly one of address or domain")
    public record SuppressionWrite(@Nullable String address, @Nullable String domain, @Nullable String reason,
                                   @Nullable String source, @JsonProperty("expires_at") @Nullable String expiresAt) {
    }

    @Serdeable
    @Schema(name = "SuppressionBatch")
    public record SuppressionBatch(List<SuppressionWrite> suppressions) {
    }

    @Serdeable
    @Schema(name = "Suppression")
    public record SuppressionView(String entry, @Schema(allowableValues = {"address", "domain"}) String kind, String reason,
                                  String source, @JsonProperty("created_at") String createdAt,
                                  @JsonProperty("expires_at") @Nullable String expiresAt) {
    }

    @Serdeable
    public record Added(List<String> entries) {
    }

    @Serdeable
    public record Page(List<SuppressionView> suppressions, @JsonProperty("next_after") @Nullable String nextAfter) {
    }

    private static final String BATCH = "suppressions";
    private static final Set<String> FIELDS = Set.of("address", "domain", "reason", "source", "expires_at");
    private static final int MAX_TEXT = 128;
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1_000;

    private final EmailRequestReader json;
    private final SuppressionStore store;
    private final ContactLimits limits;
    private final Clock clock;

    public SuppressionsController(EmailRequestReader json, SuppressionStore store, ContactLimits limits, Clock clock) {
        this.json = json;
        this.store = store;
        this.limits = limits;
        this.clock = clock;
    }

    @Operation(operationId = "addSuppressions", summary = "Suppress addresses or whole domains: one, or up to max-batch as {\"suppressions\": [...]}",
            description = "Adding an entry again replaces its reason, source and expiry. All or nothing: 422 names every problem.")
    @RequestBody(required = true, content = @Content(schema = @Schema(oneOf = {SuppressionWrite.class, SuppressionBatch.class})))
    @ApiResponse(responseCode = "200", description = "the entries as stored (lower-case, domains in punycode), in request order")
    @ApiResponse(responseCode = "400", description = "malformed JSON", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "invalid entries; each error names its field", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable; repeat the request (it is idempotent)", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post
    @Consumes(MediaType.APPLICATION_JSON)
    public Added add(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                     @Body @Nullable byte[] body) {
        JsonNode root = json.parse(body);
        List<FieldError> errors = new ArrayList<>();
        Instant now = clock.instant();
        List<Suppression> entries = OneOrBatch.read(root, BATCH, limits.maxBatch(), (node, path, found) -> read(node, path, now, found),
                errors);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) != null && !seen.add(entries.get(i).entry())) {
                errors.add(new FieldError(FieldPaths.index(BATCH, i), "given twice in this request"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "Nothing was suppressed: " + errors.size() + " problem(s)", errors);
        }
        store.add(tenant, entries);
        return new Added(entries.stream().map(Suppression::entry).toList());
    }

    @Operation(operationId = "listSuppressions", summary = "The suppressions in force, in entry order, a page at a time")
    @ApiResponse(responseCode = "200", description = "a page; next_after is the after of the next page, absent on the last")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "limit out of range", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get
    public Page list(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                     @Parameter(description = "entries after this one") @Nullable @QueryValue String after,
                     @Parameter(description = "1 to 1000; default 100") @Nullable @QueryValue String limit) {
        int size = QueryNumbers.orDefault(limit, DEFAULT_PAGE, 1, MAX_PAGE, "limit");
        List<SuppressionView> page = store.list(tenant, after == null ? "" : after, size).stream().map(SuppressionsController::view).toList();
        return new Page(page, page.size() == size ? page.getLast().entry() : null);
    }

    @Operation(operationId = "getSuppression", summary = "One suppression, when in force")
    @ApiResponse(responseCode = "200", description = "the suppression")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "not suppressed (never, removed or expired)", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{entry}")
    public SuppressionView get(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                               @Parameter(description = "an address or a domain") @PathVariable String entry) {
        return store.find(tenant, normalizedOrMissing(entry)).map(SuppressionsController::view).orElseThrow(SuppressionsController::notFound);
    }

    @Operation(operationId = "removeSuppression", summary = "Mail an address or domain again")
    @ApiResponse(responseCode = "204", description = "removed")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "not suppressed", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Delete("/{entry}")
    public HttpResponse<Void> remove(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                     @Parameter(description = "an address or a domain") @PathVariable String entry) {
        if (!store.remove(tenant, normalizedOrMissing(entry))) {
            throw notFound();
        }
        return HttpResponse.noContent();
    }

    private static Suppression read(JsonNode node, String path, Instant now, List<FieldError> errors) {
        if (!node.isObject()) {
            errors.add(new FieldError(path, "must be an object"));
            return null;
        }
        int before = errors.size();
        for (Map.Entry<String, JsonNode> member : node.entries()) {
            if (!FIELDS.contains(member.getKey())) {
                errors.add(new FieldError(FieldPaths.join(path, member.getKey()), "unknown field"));
            }
        }
        JsonNode address = node.get("address");
        JsonNode domain = node.get("domain");
        String entry = null;
        if ((address == null) == (domain == null)) {
            errors.add(new FieldError(path.isEmpty() ? "address" : path, "exactly one of address or domain"));
        } else {
            String kind = address != null ? "address" : "domain";
            JsonNode value = address != null ? address : domain;
            entry = value.isString() ? normalize(value.getStringValue()) : null;
            if (entry == null || (address != null) == (entry.indexOf('@') < 0)) {
                errors.add(new FieldError(FieldPaths.join(path, kind), address != null
                        ? "a plain address such as someone@example.com" : "a domain such as example.com"));
            }
        }
        String reason = text(node, path, "reason", "manual", errors);
        String source = text(node, path, "source", "api", errors);
        Instant expires = null;
        JsonNode expiresAt = node.get("expires_at");
        if (expiresAt != null && !expiresAt.isNull()) {
            expires = expiresAt.isString() ? Rfc3339.instant(expiresAt.getStringValue()) : null;
            if (expires == null || !expires.isAfter(now)) {
                errors.add(new FieldError(FieldPaths.join(path, "expires_at"), "an RFC 3339 timestamp in the future"));
            }
        }
        return errors.size() != before ? null : new Suppression(entry, reason, source, now, expires);
    }

    private static String text(JsonNode node, String path, String name, String absent, List<FieldError> errors) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isString() || value.getStringValue().isBlank() || value.getStringValue().length() > MAX_TEXT
                || value.getStringValue().chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(FieldPaths.join(path, name), "1 to " + MAX_TEXT + " characters, no control characters"));
            return null;
        }
        return value.getStringValue();
    }

    /** Lower-case, the domain in punycode: suppressions match case-insensitively. Null when neither kind. */
    private static String normalize(String value) {
        return Suppression.entryOf(value).orElse(null);
    }

    private static String normalizedOrMissing(String entry) {
        String normalized = normalize(entry);
        if (normalized == null) {
            throw notFound();
        }
        return normalized;
    }

    private static SuppressionView view(Suppression s) {
        return new SuppressionView(s.entry(), s.isDomain() ? "domain" : "address", s.reason(), s.source(),
                s.created().toString(), s.expires() == null ? null : s.expires().toString());
    }

    private static ProblemException notFound() {
        return new ProblemException(ProblemType.NOT_FOUND, "Not suppressed");
    }
}
