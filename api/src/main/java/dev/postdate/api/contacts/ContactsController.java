package dev.postdate.api.contacts;

import dev.postdate.api.auth.ApiKeyAuthFilter;
import dev.postdate.api.intake.EmailRequestReader;
import dev.postdate.api.intake.FieldPaths;
import dev.postdate.api.intake.OneOrBatch;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.Problem;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemResponses;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.contacts.Contact;
import dev.postdate.clickhouse.contacts.ContactStore;
import dev.postdate.clickhouse.contacts.StoredContact;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /v1/contacts}: the caller's tenant's contacts (docs/contacts.md). */
@Controller("/v1/contacts")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ContactsController {

    /** The body of a batch upsert: {@code {"contacts": [...]}}. */
    @Serdeable
    @Schema(name = "ContactBatch")
    public record ContactBatch(@ArraySchema(schema = @Schema(implementation = ContactWrite.class)) List<ContactWrite> contacts) {
    }

    /** For the OpenAPI document only: the request body is read as a tree (every problem gets its path). */
    @Serdeable
    @Schema(name = "ContactWrite", description = "a contact's whole state; id is generated when absent")
    public record ContactWrite(@Nullable String id, String email, @Nullable String name, @Nullable String timezone,
                               @Nullable String locale,
                               @Schema(allowableValues = {"active", "unsubscribed", "bounced", "complained"}) @Nullable String status,
                               @Nullable Map<String, Object> attributes,
                               @Schema(description = "topic to true, false or {granted, at, source}") @Nullable Map<String, Object> consent,
                               @Nullable Long version) {
    }

    @Serdeable
    public record Upserted(List<String> ids) {
    }

    private static final String BATCH = "contacts";

    private final EmailRequestReader json;
    private final ContactReader reader;
    private final ContactStore store;
    private final ContactLimits limits;
    private final Clock clock;

    public ContactsController(EmailRequestReader json, ContactReader reader, ContactStore store, ContactLimits limits,
                              Clock clock) {
        this.json = json;
        this.reader = reader;
        this.store = store;
        this.limits = limits;
        this.clock = clock;
    }

    @Operation(operationId = "upsertContacts", summary = "Create or replace contacts: one, or up to max-batch as {\"contacts\": [...]}",
            description = "Each contact given replaces the stored one unless the stored one has a higher version."
                    + " The whole request is refused (422, every problem with its path) if one contact is invalid.")
    @RequestBody(required = true, content = @Content(schema = @Schema(oneOf = {ContactWrite.class, ContactBatch.class})))
    @ApiResponse(responseCode = "200", description = "the contacts' ids, in the order given")
    @ApiResponse(responseCode = "400", description = "malformed JSON", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "invalid contacts; each error names its field", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable; repeat the request (it is idempotent)", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Post
    @Consumes(MediaType.APPLICATION_JSON)
    public Upserted upsert(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                           @Body @Nullable byte[] body) {
        JsonNode root = json.parse(body);
        List<FieldError> errors = new ArrayList<>();
        List<Contact> contacts = OneOrBatch.read(root, BATCH, limits.maxBatch(), reader::read, errors);
        rejectDuplicateIds(contacts, errors);
        if (!errors.isEmpty()) {
            throw invalid("No contact was stored: " + errors.size() + " problem(s)", errors);
        }
        store.upsert(tenant, contacts);
        return new Upserted(contacts.stream().map(Contact::id).toList());
    }

    @Operation(operationId = "getContact", summary = "A contact")
    @ApiResponse(responseCode = "200", description = "the contact")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such contact", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Get("/{id}")
    public ContactView get(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                           @PathVariable String id) {
        return ContactView.of(find(tenant, id));
    }

    @Operation(operationId = "patchContact", summary = "Change some fields of a contact (JSON Merge Patch, RFC 7396)",
            description = "Members given replace the stored ones, null removes one (an attribute, a consent topic, name,"
                    + " timezone, locale); attributes and consent merge per key. The result is checked as a whole contact."
                    + " Concurrent patches of one contact: the last one written wins.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ContactWrite.class)))
    @ApiResponse(responseCode = "200", description = "the contact after the change")
    @ApiResponse(responseCode = "400", description = "malformed JSON", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such contact", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "the patched contact is invalid; each error names its field", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Patch("/{id}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public ContactView patch(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                             @PathVariable String id, @Body @Nullable byte[] body) {
        JsonNode patch = json.parse(body);
        List<FieldError> errors = new ArrayList<>();
        JsonNode patchedId = patch.get("id");
        if (patchedId != null && !(patchedId.isString() && patchedId.getStringValue().equals(id))) {
            errors.add(new FieldError("id", "the id is the path's; it cannot be changed"));
        }
        StoredContact current = find(tenant, id);
        JsonNode merged = MergePatch.apply(ContactView.of(current).writable(), patch);
        Contact contact = reader.read(merged, "", errors);
        if (!errors.isEmpty()) {
            throw invalid("The contact was not changed: " + errors.size() + " problem(s)", errors);
        }
        // Without a version of the tenant's, the change must still outrank the contact it was made to.
        long version = patch.get("version") != null ? contact.version()
                : Math.max(clock.millis(), current.contact().version() + 1);
        Contact changed = new Contact(id, contact.email(), contact.name(), contact.timezone(), contact.locale(),
                contact.status(), contact.attributes(), contact.consent(), version);
        store.upsert(tenant, List.of(changed));
        return ContactView.of(find(tenant, id));
    }

    @Operation(operationId = "deleteContact", summary = "Delete a contact and erase its personal data",
            description = "Gone for reads at once; ClickHouse rewrites the parts that held it in the background"
                    + " (docs/contacts.md). Writing the id again later creates a new contact.")
    @ApiResponse(responseCode = "204", description = "deleted")
    @ApiResponse(responseCode = "401", description = "missing, unknown or revoked API key", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "the tenant has no such contact", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "ClickHouse unavailable; repeat the request", content = @Content(mediaType = ProblemResponses.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @Delete("/{id}")
    public HttpResponse<Void> delete(@Parameter(hidden = true) @RequestAttribute(ApiKeyAuthFilter.TENANT) String tenant,
                                     @PathVariable String id) {
        if (!store.delete(tenant, id)) {
            throw notFound();
        }
        return HttpResponse.noContent();
    }

    private StoredContact find(String tenant, String id) {
        return store.find(tenant, id).orElseThrow(ContactsController::notFound);
    }

    private static void rejectDuplicateIds(List<Contact> contacts, List<FieldError> errors) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < contacts.size(); i++) {
            Contact contact = contacts.get(i);
            if (contact != null && !seen.add(contact.id())) {
                errors.add(new FieldError(FieldPaths.join(FieldPaths.index(BATCH, i), "id"), "given twice in this request"));
            }
        }
    }

    private static ProblemException notFound() {
        return new ProblemException(ProblemType.NOT_FOUND, "The tenant has no such contact");
    }

    private static ProblemException invalid(String detail, List<FieldError> errors) {
        return new ProblemException(ProblemType.VALIDATION, detail, errors);
    }
}
