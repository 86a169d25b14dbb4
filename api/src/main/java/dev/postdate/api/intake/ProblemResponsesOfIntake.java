package dev.postdate.api.intake;

import dev.postdate.api.problem.Problem;
import dev.postdate.api.problem.ProblemResponses;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The problem responses both intake operations document (docs/api.md lists the types). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ApiResponse(responseCode = "400", description = "malformed JSON (the detail gives line and column)",
        content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "401", description = "missing, unknown or revoked key",
        content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "409", description = "idempotency-in-progress: an idempotency_key belongs to a request"
        + " still waiting on the intake queue; nothing was accepted, retry after Retry-After",
        headers = @Header(name = "Retry-After", description = "seconds to wait before retrying",
                schema = @Schema(type = "integer")),
        content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "413", description = "body over the server's max-request-size",
        content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "422", description = "validation (the problem names each field), or"
        + " idempotency-conflict: a key used before with another payload; nothing was accepted",
        content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "503", description = "the intake queue did not acknowledge, or Redis is unavailable;"
        + " nothing was accepted",
        content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@interface ProblemResponsesOfIntake {
}
