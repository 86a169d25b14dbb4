package dev.postdate.api.batches;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.api.auth.ApiKeyAuthFilter;
import dev.postdate.api.problem.Problem;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.core.state.BatchControl;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import java.util.LinkedHashMap;
import java.util.Map;

@Controller("/v1/batches/{batchId}")
@ExecuteOn(TaskExecutors.BLOCKING)
public class BatchesController {

    @Serdeable
    public record BatchControlResponse(@JsonProperty("batch_id") String batchId, String control) {
    }

    @Serdeable
    public record BatchStatusResponse(@JsonProperty("batch_id") String batchId, String control,
                                      Map<String, Long> counts) {
    }

    private final Batches batches;
    private final BatchStats stats;

    public BatchesController(Batches batches, BatchStats stats) {
        this.batches = batches;
        this.stats = stats;
    }

    @Operation(summary = "Pause a batch: no email of it is sent until resumed")
    @ApiResponse(responseCode = "200", description = "the batch's control: paused")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "not a batch id", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "the batch is cancelled", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/pause")
    public BatchControlResponse pause(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                      @PathVariable String batchId) {
        return control(batchId, batches.pause(tenant, batchId));
    }

    @Operation(summary = "Resume a paused batch; 409 after a cancel")
    @ApiResponse(responseCode = "200", description = "the batch's control: active")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "not a batch id", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "the batch is cancelled", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/resume")
    public BatchControlResponse resume(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                       @PathVariable String batchId) {
        return control(batchId, batches.resume(tenant, batchId));
    }

    @Operation(summary = "Cancel a batch for good: none of its unsent emails is sent")
    @ApiResponse(responseCode = "200", description = "the batch's control: cancelled, in Redis and ClickHouse")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "not a batch id", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/cancel")
    public BatchControlResponse cancel(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                       @PathVariable String batchId) {
        return control(batchId, batches.cancel(tenant, batchId));
    }

    @Operation(summary = "Counts per state of a batch's stored emails, and its control")
    @ApiResponse(responseCode = "200", description = "the batch's control and its emails' counts per state")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant neither sent nor controlled such a batch", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get
    public BatchStatusResponse status(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                      @PathVariable String batchId) {
        Batches.BatchView view = batches.view(tenant, batchId);
        Map<String, Long> counts = new LinkedHashMap<>();
        view.counts().forEach((state, count) -> counts.put(state.wireName(), count));
        return new BatchStatusResponse(batchId, view.control().wireName(), counts);
    }

    @Operation(summary = "What became of a batch's emails: outcomes, the provider's feedback, opens, clicks, unsubscribes",
            description = "Sent, delivered, bounced (hard, soft), complained, rejected and delayed emails of the batch,"
                    + " opens and clicks (unique and total, clicks per link), unsubscribes, and the rates as fractions"
                    + " of the sent emails (docs/tracking.md)."
                    + " Feedback and tracking count once recorded, usually seconds after the provider or the tracker got them.")
    @ApiResponse(responseCode = "200", description = "the batch's figures")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant neither sent nor controlled such a batch", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/stats")
    public BatchStats.Stats stats(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                  @PathVariable String batchId) {
        return stats.of(tenant, batchId);
    }

    private static BatchControlResponse control(String batchId, BatchControl control) {
        return new BatchControlResponse(batchId, control.wireName());
    }
}
