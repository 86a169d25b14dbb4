package dev.postdate.api.operator;

import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.Problem;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.core.sqs.dlq.DeadLetter;
import dev.postdate.core.sqs.dlq.DeadLetterDetail;
import dev.postdate.core.sqs.dlq.DeadLetterQueue;
import dev.postdate.core.sqs.dlq.DeadLetters;
import dev.postdate.core.sqs.dlq.Redriven;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The operator API over the dead-letter queues: the same list, show and redrive as
 * {@code ./postdate dlq}, through the same {@link DeadLetters}. Looking receives the messages, so a
 * list hides them for a moment (docs/operations.md).
 */
@Controller("/operator/dlq/{queue}")
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(property = OperatorAuthFilter.TOKEN_HASHES)
@Tag(name = "operator", description = "Operators only: an operator token, never a tenant's API key")
@SecurityScheme(name = "operatorToken", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "Authorization: Bearer <operator token>; the api accepts the tokens whose SHA-256 is "
                + "in postdate.api.operator.token-hashes")
@SecurityRequirement(name = "operatorToken")
@ApiResponse(responseCode = "401", description = "no operator token",
        content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "403", description = "a tenant's API key",
        content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "404", description = "queue is neither intake nor ranges, or no such message",
        content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(responseCode = "503", description = "SQS did not answer",
        content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class DeadLetterController {

    /** A list: how many messages it saw, and each without its body. */
    @Serdeable
    public record DeadLetterList(String queue, int count, List<DeadLetter> messages) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterController.class);

    private final DeadLetters deadLetters;

    public DeadLetterController(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Operation(summary = "List a dead-letter queue (up to postdate.dlq.list-limit messages, without bodies)")
    @ApiResponse(responseCode = "200", description = "the messages seen",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DeadLetterList.class)))
    @Get
    public DeadLetterList list(@Parameter(description = "intake, ranges, feedback or tracking") @PathVariable String queue) {
        DeadLetterQueue which = queue(queue);
        List<DeadLetter> messages = fromSqs(() -> deadLetters.list(which));
        return new DeadLetterList(which.wireName(), messages.size(), messages);
    }

    @Operation(summary = "One dead letter: attributes and a summary of its body without personal data")
    @ApiResponse(responseCode = "200", description = "the message",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DeadLetterDetail.class)))
    @Get("/messages/{messageId}")
    public DeadLetterDetail show(@Parameter(description = "intake, ranges, feedback or tracking") @PathVariable String queue,
                                 @PathVariable String messageId) {
        DeadLetterQueue which = queue(queue);
        return fromSqs(() -> deadLetters.show(which, messageId)).orElseThrow(() -> noMessage(queue, messageId));
    }

    @Operation(summary = "Move one message (id) or every message (all=true) back to the source queue")
    @ApiResponse(responseCode = "200", description = "what was moved",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Redriven.class)))
    @ApiResponse(responseCode = "422", description = "neither or both of id and all",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/redrive")
    public Redriven redrive(@Parameter(description = "intake, ranges, feedback or tracking") @PathVariable String queue,
                            @Parameter(description = "the dead letter's message id") @QueryValue @Nullable String id,
                            @Parameter(description = "true: every message") @QueryValue(defaultValue = "false") boolean all) {
        DeadLetterQueue which = queue(queue);
        if (all == (id != null)) {
            throw new ProblemException(ProblemType.VALIDATION, "Give either id or all=true",
                    List.of(new FieldError(all ? "id" : "all", all ? "not with all=true" : "required without id")));
        }
        if (all) {
            return fromSqs(() -> deadLetters.redriveAll(which));
        }
        return new Redriven(List.of(fromSqs(() -> deadLetters.redrive(which, id)).orElseThrow(() -> noMessage(queue, id))));
    }

    /** SQS away is a 503, as on the tenant routes; what a redrive had moved by then stays moved. */
    private static <T> T fromSqs(Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException | CompletionException e) {
            LOG.warn("A dead-letter operation failed on SQS: {}", e.getMessage());
            throw new ProblemException(ProblemType.UNAVAILABLE, "SQS did not answer; try again");
        }
    }

    private static DeadLetterQueue queue(String name) {
        return DeadLetterQueue.fromWireName(name).orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND,
                "No dead-letter queue '" + name + "': use intake, ranges, feedback or tracking",
                List.of(new FieldError("queue", "intake, ranges, feedback or tracking"))));
    }

    private static ProblemException noMessage(String queue, String messageId) {
        return new ProblemException(ProblemType.NOT_FOUND, "No visible message " + messageId + " in the " + queue
                + " dead-letter queue");
    }
}
