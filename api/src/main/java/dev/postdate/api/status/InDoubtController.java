package dev.postdate.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.api.auth.ApiKeyAuthFilter;
import dev.postdate.api.intake.EmailRequestReader;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.Problem;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code GET /v1/emails?status=in_doubt} and {@code POST /v1/emails/{id}/resolve} (docs/api.md). */
@Controller("/v1/emails")
@ExecuteOn(TaskExecutors.BLOCKING)
public class InDoubtController {

    static final int MAX_LIMIT = 1000;
    private static final int DEFAULT_LIMIT = 100;

    @Serdeable
    public record InDoubtEmailView(String id, @JsonProperty("batch_id") String batchId,
                                   @JsonProperty("in_doubt_since") String inDoubtSince) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record InDoubtPage(List<InDoubtEmailView> emails, @JsonProperty("next_cursor") @Nullable String nextCursor) {
    }

    @Serdeable
    @Schema(name = "Resolution", description = "sent: record the email as sent, never send it; resend: send it once more")
    public record ResolveRequest(@Schema(allowableValues = {"sent", "resend"}) String resolution) {
    }

    @Serdeable
    public record ResolveResponse(String id, String resolution) {
    }

    private final InDoubtEmails inDoubt;
    private final EmailRequestReader reader;

    public InDoubtController(InDoubtEmails inDoubt, EmailRequestReader reader) {
        this.inDoubt = inDoubt;
        this.reader = reader;
    }

    @Operation(summary = "List the caller's emails of one state (only in_doubt so far), in pages",
            description = "in_doubt: a send may or may not have reached the provider. Pass next_cursor as cursor "
                    + "for the next page; it is null after the last.")
    @ApiResponse(responseCode = "200", description = "a page of emails")
    @ApiResponse(responseCode = "422", description = "status, limit or cursor invalid (the problem names the field)",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked key",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get
    public InDoubtPage list(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                            @QueryValue @Nullable String status, @QueryValue @Nullable String limit,
                            @QueryValue @Nullable String cursor) {
        List<FieldError> errors = new ArrayList<>();
        if (!"in_doubt".equals(status)) {
            errors.add(new FieldError("status", "must be in_doubt"));
        }
        int size = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                size = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > MAX_LIMIT) {
                errors.add(new FieldError("limit", "must be an integer from 1 to " + MAX_LIMIT));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, errors.size() + " invalid parameter(s)", errors);
        }
        InDoubtEmails.Page page = inDoubt.page(tenant, cursor, size);
        return new InDoubtPage(page.emails().stream()
                .map(e -> new InDoubtEmailView(e.id(), e.batchId(), e.since().toString())).toList(), page.nextCursor());
    }

    @Operation(summary = "Resolve an in-doubt email",
            description = "sent: recorded as sent, never sent again. resend: one more send is allowed and queued; "
                    + "repeating or racing it still sends at most once.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ResolveRequest.class)))
    @ApiResponse(responseCode = "200", description = "resolved")
    @ApiResponse(responseCode = "400", description = "malformed JSON", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "resolution missing or not sent/resend",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked key",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "no such email of the caller's",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "the email is not (or no longer) in doubt",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis, ClickHouse or SQS unavailable; repeating is safe",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/resolve")
    @Consumes(MediaType.APPLICATION_JSON)
    public ResolveResponse resolve(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                   @PathVariable String id, @Body @Nullable byte[] body) {
        JsonNode root = reader.parse(body);
        List<FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : root.entries()) {
            if (!entry.getKey().equals("resolution")) {
                errors.add(new FieldError(entry.getKey(), "unknown field"));
            }
        }
        JsonNode value = root.get("resolution");
        InDoubtEmails.Resolution resolution = null;
        if (value != null && value.isString() && (value.getStringValue().equals("sent")
                || value.getStringValue().equals("resend"))) {
            resolution = InDoubtEmails.Resolution.valueOf(value.getStringValue().toUpperCase(Locale.ROOT));
        } else {
            errors.add(new FieldError("resolution", "must be sent or resend"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "Nothing was resolved: " + errors.size()
                    + " invalid field(s)", errors);
        }
        inDoubt.resolve(tenant, id, resolution);
        return new ResolveResponse(id, resolution.name().toLowerCase(Locale.ROOT));
    }
}
