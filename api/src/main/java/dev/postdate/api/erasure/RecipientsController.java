package dev.postdate.api.erasure;

import dev.postdate.api.auth.ApiKeyAuthFilter;
import dev.postdate.api.intake.EmailRequestValidator;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.Problem;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.core.email.Address;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import java.util.ArrayList;
import java.util.List;

/** {@code DELETE /v1/recipients/{address}}: the right to erasure, for the caller's tenant (docs/security.md). */
@Controller("/v1/recipients")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RecipientsController {

    @Serdeable
    public record ErasureView(String id, int emails, int cancelled) {
    }

    private final RecipientErasures erasures;

    public RecipientsController(RecipientErasures erasures) {
        this.erasures = erasures;
    }

    @Operation(operationId = "eraseRecipient", summary = "Erase a recipient's stored emails and data for this tenant",
            description = "Cancels the tenant's emails to the address that are not sent yet, erases the payload of every"
                    + " one of them (addresses, subject, bodies, data) and event details naming the address, and records"
                    + " the erasure (with the address's SHA-256, not the address). 202: ClickHouse completes the erasure"
                    + " in the background, usually within seconds. Statuses and counts stay.")
    @ApiResponse(responseCode = "202", description = "the erasure id, the emails erased and how many of them were cancelled")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "not a deliverable address (field address)",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Delete("/{address}")
    @Status(HttpStatus.ACCEPTED)
    public ErasureView erase(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                             @Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.KEY_ID) String keyId,
                             @Parameter(description = "the recipient's address, URL-encoded") @PathVariable String address) {
        List<FieldError> errors = new ArrayList<>();
        Address deliverable = EmailRequestValidator.deliverable(new Address(address, null), "address", errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "Not a recipient address", errors.stream()
                    .map(e -> new FieldError("address", e.message())).toList());
        }
        RecipientErasures.Erasure erasure = erasures.erase(tenant, keyId, deliverable.email());
        return new ErasureView(erasure.id(), erasure.emails(), erasure.cancelled());
    }
}
