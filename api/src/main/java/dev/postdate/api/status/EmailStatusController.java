package dev.postdate.api.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.api.auth.ApiKeyAuthFilter;
import dev.postdate.api.problem.Problem;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.core.state.EmailStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.RequestAttribute;
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

@Controller("/v1/emails/{id}")
@ExecuteOn(TaskExecutors.BLOCKING)
public class EmailStatusController {

    @Serdeable
    public record Event(String state, String at, String detail) {
    }

    @Serdeable
    public record EmailStatusResponse(
            String id,
            String state,
            @JsonProperty("batch_id") String batchId,
            @JsonProperty("send_at") String sendAt,
            @JsonProperty("accepted_at") String acceptedAt,
            List<Event> events) {
    }

    private final EmailViews views;
    private final EmailCancellation cancellation;

    public EmailStatusController(EmailViews views, EmailCancellation cancellation) {
        this.views = views;
        this.cancellation = cancellation;
    }

    @Operation(summary = "State and history of one email")
    @ApiResponse(responseCode = "200", description = "the email's state and events")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such email", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get
    public EmailStatusResponse status(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                      @PathVariable String id) {
        return response(views.view(tenant, id));
    }

    @Operation(summary = "Cancel one email", description = "409 once a worker claimed or sent it; repeating a cancel is fine.")
    @ApiResponse(responseCode = "200", description = "the email's status, state cancelled")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such email", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "a worker claimed or sent it", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Delete
    public EmailStatusResponse cancel(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                      @PathVariable String id) {
        cancellation.cancel(tenant, id);
        return response(views.view(tenant, id));
    }

    private static EmailStatusResponse response(EmailView view) {
        List<Event> events = new ArrayList<>(view.events().size() + 1);
        // Acceptance is an event too, though nothing records it: every email starts scheduled.
        events.add(new Event(EmailStatus.SCHEDULED.wireName(), view.email().acceptedAt().toString(), ""));
        for (EmailEvent event : view.events()) {
            events.add(new Event(event.state().wireName(), event.at().toString(), event.detail()));
        }
        return new EmailStatusResponse(view.email().id(), view.state().wireName(), view.email().batchId(),
                view.email().sendAt().toString(), view.email().acceptedAt().toString(), events);
    }
}
