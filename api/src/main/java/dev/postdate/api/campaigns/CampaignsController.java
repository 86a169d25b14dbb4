package dev.postdate.api.campaigns;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.api.auth.ApiKeyAuthFilter;
import dev.postdate.api.batches.BatchStats;
import dev.postdate.api.batches.Batches;
import dev.postdate.api.intake.EmailRequestReader;
import dev.postdate.api.intake.QueryNumbers;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.Problem;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.campaigns.Campaign;
import dev.postdate.clickhouse.campaigns.CampaignRecipients;
import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.clickhouse.status.BatchStatusStore;
import dev.postdate.core.campaign.CampaignSchedule;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.campaign.CampaignState;
import dev.postdate.core.email.Tracking;
import dev.postdate.core.state.BatchControl;
import dev.postdate.core.state.EmailStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code /v1/campaigns}: one-off and recurring sends to an audience (docs/campaigns.md). */
@Controller("/v1/campaigns")
@ExecuteOn(TaskExecutors.BLOCKING)
public class CampaignsController {

    @Serdeable
    @Schema(name = "CampaignCreate", description = "see docs/campaigns.md for every field")
    public record CreateRequest(String name, Map<String, Object> template, Map<String, Object> audience, Object from,
                                @Nullable Object reply_to, @Nullable String topic, Map<String, Object> schedule,
                                @Nullable Map<String, Object> delivery, @Nullable String expire_after,
                                @Nullable List<String> tags, @Nullable Map<String, Object> catch_up,
                                @Nullable String overlap, @Nullable CampaignView.RateCapView rate_cap,
                                @Nullable Tracking tracking) {
    }

    @Serdeable
    @Schema(name = "CampaignList")
    public record CampaignList(@JsonInclude(JsonInclude.Include.ALWAYS) List<CampaignView> campaigns) {
    }

    @Serdeable
    @Schema(name = "CampaignOccurrenceList")
    public record OccurrenceList(@JsonInclude(JsonInclude.Include.ALWAYS) List<OccurrenceView> occurrences) {
    }

    @Serdeable
    @Schema(name = "CampaignRecipient")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RecipientView(@JsonProperty("email_id") String emailId, @JsonProperty("contact_id") String contactId,
                                String state, String detail,
                                @JsonProperty("resend_of") @Schema(description = "the email this one resent; empty for the occurrence's own") String resendOf) {
    }

    @Serdeable
    @Schema(name = "CampaignRecipientList")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RecipientList(List<RecipientView> recipients,
                                @Schema(description = "pass as after for the next page; null after the last") @Nullable String next) {
    }

    @Serdeable
    @Schema(name = "CampaignTestRequest")
    public record TestRequest(List<String> to, @Nullable List<String> contacts) {
    }

    @Serdeable
    @Schema(name = "CampaignTestEmail")
    public record TestEmail(String id, String to, @JsonProperty("contact_id") String contactId) {
    }

    @Serdeable
    @Schema(name = "CampaignTestEmails")
    public record TestEmails(List<TestEmail> emails) {
    }

    @Serdeable
    @Schema(name = "CampaignResendRequest")
    public record ResendRequest(@Schema(description = "failed, expired, in_doubt; default [failed]") @Nullable List<String> states) {
    }

    private static final int DEFAULT_RECIPIENTS = 1000;
    private static final int MAX_RECIPIENTS = 10000;
    private static final int DEFAULT_LIST = 50;
    private static final int MAX_LIST = 500;

    private final EmailRequestReader json;
    private final Campaigns campaigns;
    private final Batches batches;
    private final DryRun dryRun;
    private final CampaignRecipients ledger;
    private final CampaignResend resend;
    private final CampaignTestSend testSend;
    private final CampaignSettings settings;
    private final BatchStatusStore batchStatus;
    private final BatchStats stats;
    private final Clock clock;

    public CampaignsController(EmailRequestReader json, Campaigns campaigns, Batches batches, DryRun dryRun,
                               CampaignRecipients ledger, CampaignResend resend, CampaignTestSend testSend,
                               CampaignSettings settings, BatchStatusStore batchStatus, BatchStats stats,
                               Clock clock) {
        this.json = json;
        this.campaigns = campaigns;
        this.batches = batches;
        this.dryRun = dryRun;
        this.ledger = ledger;
        this.resend = resend;
        this.testSend = testSend;
        this.settings = settings;
        this.batchStatus = batchStatus;
        this.stats = stats;
        this.clock = clock;
    }

    @Operation(operationId = "createCampaign", summary = "Create a campaign (a draft: POST .../schedule starts it)")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = CreateRequest.class)))
    @ApiResponse(responseCode = "201", description = "the draft campaign with its id")
    @ApiResponse(responseCode = "400", description = "malformed JSON", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "invalid fields; each error names its JSON path (schedule.rrule)", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post
    @Consumes(MediaType.APPLICATION_JSON)
    @Status(HttpStatus.CREATED)
    public CampaignView create(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                               @Body @Nullable byte[] body) {
        return view(campaigns.create(tenant, json.parse(body)));
    }

    @Operation(operationId = "listCampaigns", summary = "The tenant's campaigns, newest first")
    @ApiResponse(responseCode = "200", description = "the campaigns")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "limit out of range", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get
    public CampaignList list(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                             @Parameter(description = "1 to 500, default 50") @QueryValue @Nullable String limit) {
        return new CampaignList(campaigns.list(tenant, QueryNumbers.orDefault(limit, DEFAULT_LIST, 1, MAX_LIST, "limit")).stream().map(this::view).toList());
    }

    @Operation(operationId = "getCampaign", summary = "A campaign and where it stands")
    @ApiResponse(responseCode = "200", description = "the campaign")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such campaign", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{id}")
    public CampaignView get(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                            @PathVariable String id) {
        return view(campaigns.find(tenant, id));
    }

    @Operation(operationId = "scheduleCampaign", summary = "Move a draft to scheduled: its occurrences expand when due")
    @ApiResponse(responseCode = "200", description = "the scheduled campaign (repeating the call changes nothing)")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such campaign", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "the campaign is paused or cancelled", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/schedule")
    public CampaignView schedule(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                 @PathVariable String id) {
        return view(campaigns.schedule(tenant, id));
    }

    @Operation(operationId = "pauseCampaign", summary = "Pause a scheduled campaign: no occurrence expands, unsent mail of started ones waits")
    @ApiResponse(responseCode = "200", description = "the paused campaign")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such campaign", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "the campaign is a draft or cancelled", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/pause")
    public CampaignView pause(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                              @PathVariable String id) {
        return view(campaigns.pause(tenant, id));
    }

    @Operation(operationId = "resumeCampaign", summary = "Resume a paused campaign; occurrences missed meanwhile follow its catch_up policy")
    @ApiResponse(responseCode = "200", description = "the scheduled campaign")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such campaign", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "the campaign is a draft or cancelled", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/resume")
    public CampaignView resume(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                               @PathVariable String id) {
        return view(campaigns.resume(tenant, id));
    }

    @Operation(operationId = "cancelCampaign", summary = "Cancel a campaign for good: no occurrence starts, unsent mail is cancelled up to its send")
    @ApiResponse(responseCode = "200", description = "the cancelled campaign (repeating the call changes nothing)")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such campaign", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/cancel")
    public CampaignView cancel(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                               @PathVariable String id) {
        return view(campaigns.cancel(tenant, id));
    }

    @Operation(operationId = "dryRunCampaign", summary = "What the next occurrence would do now; nothing is sent or scheduled",
            description = "Recipients and exclusions by reason, top domains, send times (UTC and local hours) with an ETA,"
                    + " sample renders, and the recipients whose data lacks what the template reads. Works on drafts.")
    @ApiResponse(responseCode = "200", description = "the dry run")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such campaign", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "the campaign's audience no longer exists", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "samples out of range", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/dry-run")
    public DryRunView dryRun(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                             @PathVariable String id,
                             @Parameter(description = "sample renders, 0 to max-dry-run-samples (20); default 3") @QueryValue @Nullable String samples) {
        return dryRun.run(tenant, id, QueryNumbers.orDefault(samples, settings.dryRunSamples(), 0,
                settings.maxDryRunSamples(), "samples"));
    }

    @Operation(operationId = "testCampaign", summary = "Send the campaign's email now to seed addresses, with chosen contacts' data",
            description = "Body {\"to\": [seed addresses, 1 to 10], \"contacts\": [contact ids, 1 to 5; default: the first"
                    + " recipient]}. One email per seed and contact, header X-Postdate-Test, tag test; outside the"
                    + " campaign's ledger and counts (GET /v1/emails/{id} shows each).")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = TestRequest.class)))
    @ApiResponse(responseCode = "202", description = "the test emails' ids, accepted like POST /v1/emails")
    @ApiResponse(responseCode = "400", description = "malformed JSON", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such campaign", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "bad seed addresses or unknown contacts, each named by its path", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "SQS or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/test")
    @Consumes(MediaType.APPLICATION_JSON)
    @Status(HttpStatus.ACCEPTED)
    public TestEmails test(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                           @PathVariable String id, @Body @Nullable byte[] body) {
        return new TestEmails(testSend.send(tenant, id, json.parse(body)).stream()
                .map(e -> new TestEmail(e.id(), e.to(), e.contactId())).toList());
    }

    @Operation(operationId = "listCampaignOccurrences", summary = "The occurrences expanded or skipped so far, with their counts")
    @ApiResponse(responseCode = "200", description = "the occurrences, by number")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such campaign", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{id}/occurrences")
    public OccurrenceList occurrences(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                      @PathVariable String id) {
        return new OccurrenceList(campaigns.occurrences(tenant, id).stream().map(o -> occurrenceView(tenant, o)).toList());
    }

    @Operation(operationId = "getCampaignOccurrence", summary = "One occurrence: expansion, control and counts per state")
    @ApiResponse(responseCode = "200", description = "the occurrence")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "no such campaign, or the occurrence has not started", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{id}/occurrences/{number}")
    public OccurrenceView occurrence(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                     @PathVariable String id, @PathVariable String number) {
        return occurrenceView(tenant, campaigns.occurrence(tenant, id, number(number)));
    }

    @Operation(operationId = "getCampaignStats", summary = "What became of a campaign's emails, all occurrences together",
            description = "The occurrences' figures added up: outcomes, the provider's feedback (delivered, bounced,"
                    + " complained, rejected, delayed), opens and clicks (unique and total, clicks per link), unsubscribes,"
                    + " and the rates as fractions of the sent emails (docs/tracking.md).")
    @ApiResponse(responseCode = "200", description = "the campaign's figures")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "no such campaign", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{id}/stats")
    public BatchStats.Stats campaignStats(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                          @PathVariable String id) {
        return stats.ofCampaign(tenant, id, campaigns.occurrences(tenant, id).stream()
                .map(o -> CampaignSpec.batchId(id, o.number())).toList());
    }

    @Operation(operationId = "getCampaignOccurrenceStats", summary = "What became of an occurrence's emails: outcomes and the provider's feedback",
            description = "Sent, delivered, bounced (hard, soft), complained, rejected and delayed emails of the occurrence,"
                    + " opens and clicks (unique and total, clicks per link), unsubscribes, and the rates as fractions"
                    + " of the sent emails (docs/tracking.md).")
    @ApiResponse(responseCode = "200", description = "the occurrence's figures")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "no such campaign, or the occurrence has not started", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{id}/occurrences/{number}/stats")
    public BatchStats.Stats occurrenceStats(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                            @PathVariable String id, @PathVariable String number) {
        return stats.ofOccurrence(tenant, campaigns.occurrenceBatch(tenant, id, number(number)));
    }

    @Operation(operationId = "listCampaignRecipients", summary = "An occurrence's recipients with the state of their current email",
            description = "Paged by email id: pass the last email_id as after. text/csv with Accept: text/csv or format=csv;"
                    + " the next page's URL is then in the Link header.")
    @ApiResponse(responseCode = "200", description = "a page of recipients", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RecipientList.class)),
            @Content(mediaType = "text/csv", schema = @Schema(type = "string", description = "email_id,contact_id,state,detail,resend_of"))})
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "no such campaign, or the occurrence has not started", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "an unknown state, format or limit", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get(value = "/{id}/occurrences/{number}/recipients", produces = {MediaType.APPLICATION_JSON, "text/csv"})
    public HttpResponse<?> recipients(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                      @PathVariable String id, @PathVariable String number,
                                      @Parameter(description = "comma-separated states; all when absent") @QueryValue @Nullable String state,
                                      @Parameter(description = "the last email_id of the previous page") @QueryValue @Nullable String after,
                                      @Parameter(description = "1 to 10000, default 1000") @QueryValue @Nullable String limit,
                                      @Parameter(description = "csv for text/csv") @QueryValue @Nullable String format,
                                      @Parameter(hidden = true) @Header(value = HttpHeaders.ACCEPT, defaultValue = "") String accept) {
        int n = number(number);
        StoredOccurrence occurrence = campaigns.occurrence(tenant, id, n);
        boolean cancelled = batches.control(tenant, CampaignSpec.batchId(id, n)) == BatchControl.CANCELLED;
        int size = QueryNumbers.orDefault(limit, DEFAULT_RECIPIENTS, 1, MAX_RECIPIENTS, "limit");
        List<CampaignRecipients.Recipient> page = ledger.page(tenant, id, occurrence.number(), cancelled,
                states(state, "state", Set.of(EmailStatus.values())), after == null ? "" : after, size);
        String next = page.size() < size ? null : page.getLast().emailId();
        if (format != null && !format.equals("csv") && !format.equals("json")) {
            throw new ProblemException(ProblemType.VALIDATION, "Unknown format", List.of(new FieldError("format", "csv or json")));
        }
        if ("csv".equals(format) || format == null && accept.contains("text/csv")) {
            MutableHttpResponse<String> csv = HttpResponse.ok(RecipientCsv.of(page)).contentType("text/csv; charset=utf-8");
            if (next != null) {
                csv.header(HttpHeaders.LINK, "</v1/campaigns/" + id + "/occurrences/" + n + "/recipients?format=csv&after="
                        + next + "&limit=" + size + (state == null ? "" : "&state=" + state) + ">; rel=\"next\"");
            }
            return csv;
        }
        return HttpResponse.ok(new RecipientList(page.stream().map(r -> new RecipientView(r.emailId(), r.contactId(),
                r.state().wireName(), r.detail(), r.resendOf())).toList(), next)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    @Operation(operationId = "resendCampaignOccurrence", summary = "Send an occurrence again to exactly the recipients whose email ended in the given states, once",
            description = "Body {\"states\": [\"failed\"]} (failed, expired, in_doubt; default failed). Each gets a new email"
                    + " replacing the old one in the ledger; repeating the call resends nothing more.")
    @RequestBody(content = @Content(schema = @Schema(implementation = ResendRequest.class)))
    @ApiResponse(responseCode = "200", description = "how many were resent, and how many are no longer mailable")
    @ApiResponse(responseCode = "400", description = "malformed JSON", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "no such campaign, or the occurrence has not started", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "the occurrence is still expanding, skipped or cancelled", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "a state that cannot be resent", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "SQS, Redis or ClickHouse unavailable; repeat the request to continue", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/occurrences/{number}/resend")
    @Consumes(MediaType.APPLICATION_JSON)
    public CampaignResend.Result resend(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                        @PathVariable String id, @PathVariable String number, @Body @Nullable byte[] body) {
        JsonNode root = body == null || body.length == 0 ? JsonNode.createObjectNode(Map.of()) : json.parse(body);
        List<FieldError> errors = new ArrayList<>();
        root.entries().forEach(e -> {
            if (!e.getKey().equals("states")) {
                errors.add(new FieldError(e.getKey(), "unknown field (states)"));
            }
        });
        JsonNode states = root.get("states");
        String listed = null;
        if (states != null && !states.isNull()) {
            List<String> names = new ArrayList<>();
            if (states.isArray()) {
                states.values().forEach(v -> names.add(v.isString() ? v.getStringValue() : "?"));
            }
            if (!states.isArray() || names.isEmpty()) {
                errors.add(new FieldError("states", "a non-empty list of failed, expired, in_doubt"));
            } else {
                listed = String.join(",", names);
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "Nothing was resent", errors);
        }
        Set<EmailStatus> chosen = listed == null ? Set.of(EmailStatus.FAILED)
                : states(listed, "states", CampaignResend.RESENDABLE);
        return resend.resend(tenant, id, number(number), chosen);
    }

    @Operation(operationId = "pauseCampaignOccurrence", summary = "Pause one occurrence's unsent mail")
    @ApiResponse(responseCode = "200", description = "the occurrence")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "no such campaign, or the occurrence has not started", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "the occurrence is cancelled", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/occurrences/{number}/pause")
    public OccurrenceView pauseOccurrence(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                          @PathVariable String id, @PathVariable String number) {
        batches.pause(tenant, campaigns.occurrenceBatch(tenant, id, number(number)));
        return occurrence(tenant, id, number);
    }

    @Operation(operationId = "resumeCampaignOccurrence", summary = "Resume one paused occurrence")
    @ApiResponse(responseCode = "200", description = "the occurrence")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "no such campaign, or the occurrence has not started", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "the occurrence is cancelled", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/occurrences/{number}/resume")
    public OccurrenceView resumeOccurrence(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                           @PathVariable String id, @PathVariable String number) {
        batches.resume(tenant, campaigns.occurrenceBatch(tenant, id, number(number)));
        return occurrence(tenant, id, number);
    }

    @Operation(operationId = "cancelCampaignOccurrence", summary = "Cancel one occurrence's unsent mail for good")
    @ApiResponse(responseCode = "200", description = "the occurrence")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "no such campaign, or the occurrence has not started", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "Redis or ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/occurrences/{number}/cancel")
    public OccurrenceView cancelOccurrence(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                           @PathVariable String id, @PathVariable String number) {
        batches.cancel(tenant, campaigns.occurrenceBatch(tenant, id, number(number)));
        return occurrence(tenant, id, number);
    }

    private OccurrenceView occurrenceView(String tenant, StoredOccurrence o) {
        String batch = CampaignSpec.batchId(o.campaignId(), o.number());
        BatchControl control = batches.control(tenant, batch);
        Instant now = clock.instant();
        double rate = (double) batchStatus.settledSince(tenant, batch, now.minus(settings.rateWindow()))
                / settings.rateWindow().toSeconds();
        return OccurrenceView.of(o, control, ledger.counts(tenant, o.campaignId(), o.number(),
                control == BatchControl.CANCELLED), rate, now);
    }

    /**
     * A scheduled campaign is completed when no occurrence is planned after now and every planned one
     * since the campaign was created is stored as skipped or expanded with all its mail settled.
     */
    private CampaignView view(Campaign campaign) {
        Instant now = clock.instant();
        Instant next = campaign.state() == CampaignState.DRAFT || campaign.state() == CampaignState.CANCELLED ? null
                : campaign.spec().schedule().nextAfter(now).orElse(null);
        boolean completed = false;
        if (campaign.state() == CampaignState.SCHEDULED && next == null) {
            Map<Integer, StoredOccurrence> stored = campaigns.occurrences(campaign.tenant(), campaign.id()).stream()
                    .collect(Collectors.toMap(StoredOccurrence::number, Function.identity()));
            // Occurrences due before the campaign existed are not its (the expander never records them).
            List<CampaignSchedule.Occurrence> planned = campaign.spec().schedule().plannedThrough(now).stream()
                    .filter(o -> !campaign.spec().lastDue(o).isBefore(campaign.createdAt())).toList();
            completed = planned.stream().allMatch(o -> stored.containsKey(o.number())
                    && occurrenceView(campaign.tenant(), stored.get(o.number())).finished());
        }
        return CampaignView.of(campaign, completed, next);
    }

    /** Comma-separated state names, each one of {@code allowed}. */
    private static Set<EmailStatus> states(@Nullable String text, String field, Set<EmailStatus> allowed) {
        if (text == null || text.isEmpty()) {
            return Set.of();
        }
        Set<EmailStatus> states = EnumSet.noneOf(EmailStatus.class);
        for (String name : text.split(",")) {
            EmailStatus found = allowed.stream().filter(s -> s.wireName().equals(name.trim())).findFirst().orElseThrow(() ->
                    new ProblemException(ProblemType.VALIDATION, "Unknown state " + name, List.of(new FieldError(field,
                            "states among " + allowed.stream().map(EmailStatus::wireName).sorted().collect(Collectors.joining(", "))))));
            states.add(found);
        }
        return states;
    }

    private static int number(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // a path that names no occurrence
        }
        throw new ProblemException(ProblemType.NOT_FOUND, "No such occurrence");
    }
}
