package dev.postdate.api.senders;

import dev.postdate.api.operator.OperatorAuthFilter;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.Problem;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.keys.ApiKeys;
import dev.postdate.clickhouse.senders.SenderIdentities;
import dev.postdate.clickhouse.senders.SenderIdentityStore;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

/**
 * Operator API for a tenant's sender identities (the same as {@code ./postdate senders}). Running apis
 * apply a change within {@code postdate.api.keys-refresh}.
 */
@Controller("/operator/tenants/{tenant}/senders")
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(property = OperatorAuthFilter.TOKEN_HASHES)
@Tag(name = "operator")
@SecurityRequirement(name = "operatorToken")
public class SendersController {

    @Serdeable
    public record SenderList(String tenant, List<String> identities) {
    }

    @Serdeable
    public record SenderIdentity(String tenant, String identity) {
    }

    private final SenderIdentityStore store;

    public SendersController(SenderIdentityStore store) {
        this.store = store;
    }

    @Operation(operationId = "listSenders", summary = "A tenant's sender identities (operator)")
    @ApiResponse(responseCode = "200", description = "the identities, sorted")
    @ApiResponse(responseCode = "401", description = "no or an unknown operator token", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "403", description = "a tenant's API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the operator API is not enabled (no operator token hashes configured)", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "invalid tenant name", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get
    public SenderList list(@PathVariable String tenant) {
        check(tenant, null);
        return new SenderList(tenant, store.list(tenant));
    }

    @Operation(operationId = "addSender", summary = "Let a tenant send from a domain or an address (operator)",
            description = "Idempotent. A domain covers every address at exactly that domain, not its subdomains.")
    @ApiResponse(responseCode = "200", description = "the identity as stored (domain lower-cased, in punycode)")
    @ApiResponse(responseCode = "401", description = "no or an unknown operator token", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "403", description = "a tenant's API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the operator API is not enabled (no operator token hashes configured)", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "invalid tenant name or identity", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Put("/{identity}")
    public SenderIdentity add(@PathVariable String tenant, @PathVariable String identity) {
        String normalized = check(tenant, identity);
        store.add(tenant, normalized);
        return new SenderIdentity(tenant, normalized);
    }

    @Operation(operationId = "removeSender", summary = "Stop a tenant sending from a domain or an address (operator)",
            description = "Emails accepted before are still sent.")
    @ApiResponse(responseCode = "204", description = "removed")
    @ApiResponse(responseCode = "401", description = "no or an unknown operator token", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "403", description = "a tenant's API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such identity, or the operator API is not enabled",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "invalid tenant name or identity", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Delete("/{identity}")
    public HttpResponse<Void> remove(       @PathVariable String tenant, @PathVariable String identity) {
        String normalized = check(tenant, identity);
        if (!store.remove(tenant, normalized)) {
            throw new ProblemException(ProblemType.NOT_FOUND, "The tenant has no sender identity " + normalized);
        }
        return HttpResponse.noContent();
    }

    /** The normalized identity (null when none is given); a 422 naming each invalid path part. */
    private static String check(String tenant, String identity) {
        List<FieldError> errors = new ArrayList<>();
        if (!ApiKeys.TENANT.matcher(tenant).matches()) {
            errors.add(new FieldError("tenant", "1 to 64 of a-z 0-9 _ -, starting with a letter or digit"));
        }
        String normalized = identity == null ? null : SenderIdentities.normalize(identity).orElse(null);
        if (identity != null && normalized == null) {
            errors.add(new FieldError("identity", "a domain (example.org) or a plain address (news@example.org)"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "Invalid tenant or identity", errors);
        }
        return normalized;
    }
}
