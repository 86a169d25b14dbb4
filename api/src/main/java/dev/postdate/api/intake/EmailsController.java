package dev.postdate.api.intake;

import dev.postdate.api.ApiSettings;
import dev.postdate.api.auth.ApiKeyAuthFilter;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.api.templates.TemplatePinning;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
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

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Intake. The body arrives as bytes and is read by {@link EmailRequestReader}, which reports every
 * problem with its path; the OpenAPI document still describes the JSON through {@link RequestBody}.
 */
@Controller("/v1/emails")
@ExecuteOn(TaskExecutors.BLOCKING)
@Consumes(MediaType.APPLICATION_JSON)
public class EmailsController {

    @Serdeable
    public record AcceptedEmail(String id) {
    }

    @Serdeable
    public record AcceptedBatch(List<String> ids) {
    }

    private final EmailRequestReader reader;
    private final EmailRequestValidator validator;
    private final EmailIntake intake;
    private final TemplatePinning templates;
    private final ApiSettings settings;
    private final Clock clock;

    public EmailsController(EmailRequestReader reader, EmailRequestValidator validator, EmailIntake intake,
                            TemplatePinning templates, ApiSettings settings, Clock clock) {
        this.reader = reader;
        this.validator = validator;
        this.intake = intake;
        this.templates = templates;
        this.settings = settings;
        this.clock = clock;
    }

    @Operation(summary = "Schedule one email", description = "202 once the email is durably queued.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = EmailRequest.class)))
    @ApiResponse(responseCode = "202", description = "the email is queued; its id (the earlier one for an idempotent replay)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AcceptedEmail.class)))
    @ProblemResponsesOfIntake
    @Post
    @Status(HttpStatus.ACCEPTED)
    public AcceptedEmail acceptOne(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                   @Body @Nullable byte[] body) {
        JsonNode root = reader.parse(body);
        List<FieldError> errors = new ArrayList<>();
        ParsedEmail email = reader.readSingle(root, errors);
        List<ValidEmail> valid = validOrThrow(tenant, email == null ? List.of() : List.of(email), errors);
        return new AcceptedEmail(intake.accept(tenant, valid).getFirst());
    }

    @Operation(summary = "Schedule up to max-batch-emails emails, all or none",
            description = "202 once every email is durably queued; any invalid email rejects the whole batch.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = BatchRequest.class)))
    @ApiResponse(responseCode = "202", description = "every email is queued; their ids in request order",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AcceptedBatch.class)))
    @ProblemResponsesOfIntake
    @Post("/batch")
    @Status(HttpStatus.ACCEPTED)
    public AcceptedBatch acceptBatch(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                     @Body @Nullable byte[] body) {
        JsonNode root = reader.parse(body);
        List<FieldError> errors = new ArrayList<>();
        List<ParsedEmail> emails = reader.readBatch(root, settings.maxBatchEmails(), errors);
        return new AcceptedBatch(intake.accept(tenant, validOrThrow(tenant, emails, errors)));
    }

    /** Validated emails with their template references checked and pinned to a version. */
    private List<ValidEmail> validOrThrow(String tenant, List<ParsedEmail> emails, List<FieldError> errors) {
        List<ValidEmail> valid = templates.pin(tenant, validator.validate(tenant, emails, clock.instant(), errors), errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "Nothing was accepted: " + errors.size()
                    + " invalid field(s)", errors);
        }
        return valid;
    }
}
