package dev.postdate.api.campaigns;

import dev.postdate.api.intake.EmailRequestValidator;
import dev.postdate.api.intake.FieldPaths;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.audiences.AudienceMembers;
import dev.postdate.clickhouse.audiences.AudienceStore;
import dev.postdate.clickhouse.campaigns.Campaign;
import dev.postdate.clickhouse.campaigns.RecipientData;
import dev.postdate.clickhouse.contacts.Contact;
import dev.postdate.clickhouse.contacts.ContactStore;
import dev.postdate.core.campaign.AudienceRef;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.intake.IntakePublisher;
import dev.postdate.core.intake.IntakeUnavailableException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A test send: the campaign's email, rendered with the data of chosen contacts (or its first recipient),
 * sent now to seed addresses. Marked {@code X-Postdate-Test} and tagged {@code test}; outside the
 * campaign's ledger, counts and batches, and without a topic (a seed address is not a contact).
 */
@Singleton
public class CampaignTestSend {

    static final int MAX_SEEDS = 10;
    static final int MAX_CONTACTS = 5;
    static final String TEST_HEADER = "X-Postdate-Test";
    private static final Set<String> FIELDS = Set.of("to", "contacts");

    /** A test email: its id, its seed address, and whose data it shows. */
    public record Sent(String id, String to, String contactId) {
    }

    private final Campaigns campaigns;
    private final ContactStore contacts;
    private final AudienceStore audiences;
    private final AudienceMembers members;
    private final IntakePublisher publisher;
    private final Clock clock;

    public CampaignTestSend(Campaigns campaigns, ContactStore contacts, AudienceStore audiences, AudienceMembers members,
                            IntakePublisher publisher, Clock clock) {
        this.campaigns = campaigns;
        this.contacts = contacts;
        this.audiences = audiences;
        this.members = members;
        this.publisher = publisher;
        this.clock = clock;
    }

    public List<Sent> send(String tenant, String campaignId, JsonNode root) {
        Campaign campaign = campaigns.find(tenant, campaignId);
        List<FieldError> errors = new ArrayList<>();
        root.entries().forEach(e -> {
            if (!FIELDS.contains(e.getKey())) {
                errors.add(new FieldError(e.getKey(), "unknown field (to, contacts)"));
            }
        });
        List<Address> seeds = seeds(root.get("to"), errors);
        List<AudienceMembers.Member> chosen = contacts(tenant, campaign, root.get("contacts"), errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "Nothing was sent: " + errors.size() + " problem(s)", errors);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        CampaignSpec spec = campaign.spec();
        List<ScheduledEmail> emails = new ArrayList<>();
        List<Sent> sent = new ArrayList<>();
        for (AudienceMembers.Member member : chosen) {
            for (Address seed : seeds) {
                List<String> tags = new ArrayList<>(spec.tags());
                tags.add("test");
                EmailContent content = new EmailContent(seed, spec.from(), spec.replyTo(), null, null, null, spec.template(),
                        RecipientData.of(campaign, 0, member), Map.of(TEST_HEADER, "campaign " + campaign.id()
                        + ", data of contact " + member.id()), tags, null, null, spec.tracking());
                String id = UUID.randomUUID().toString();
                emails.add(new ScheduledEmail(id, tenant, "", now, now, content));
                sent.add(new Sent(id, seed.email(), member.id()));
            }
        }
        try {
            publisher.send(publisher.pack(emails));
        } catch (IntakeUnavailableException e) {
            throw new ProblemException(ProblemType.UNAVAILABLE, "The intake queue is unavailable; repeat the request");
        }
        return sent;
    }

    private static List<Address> seeds(@Nullable JsonNode node, List<FieldError> errors) {
        if (node == null || !node.isArray() || node.size() == 0 || node.size() > MAX_SEEDS) {
            errors.add(new FieldError("to", "1 to " + MAX_SEEDS + " seed addresses"));
            return List.of();
        }
        List<Address> seeds = new ArrayList<>();
        int i = 0;
        for (JsonNode seed : node.values()) {
            String field = FieldPaths.index("to", i++);
            if (!seed.isString()) {
                errors.add(new FieldError(field, "an address"));
                continue;
            }
            int before = errors.size();
            Address address = EmailRequestValidator.deliverable(new Address(seed.getStringValue(), null), field, errors);
            if (errors.size() == before) {
                seeds.add(address);
            }
        }
        return seeds;
    }

    /** The named contacts (any status: a test may show an unsubscribed one's data), or the first recipient. */
    private List<AudienceMembers.Member> contacts(String tenant, Campaign campaign, @Nullable JsonNode node,
                                                  List<FieldError> errors) {
        if (node == null || node.isNull()) {
            AudienceRef ref = campaign.spec().audience();
            AudienceMembers.Member first = (ref.version() == null ? audiences.latest(tenant, ref.id())
                    : audiences.find(tenant, ref.id(), ref.version()))
                    .map(v -> members.page(tenant, audiences.rule(v), clock.instant(), campaign.spec().topic(), "", 1))
                    .flatMap(page -> page.stream().findFirst()).orElse(null);
            if (first == null) {
                errors.add(new FieldError("contacts", "the audience has no recipient now: name the contacts whose data to use"));
                return List.of();
            }
            return List.of(first);
        }
        if (!node.isArray() || node.size() == 0 || node.size() > MAX_CONTACTS) {
            errors.add(new FieldError("contacts", "1 to " + MAX_CONTACTS + " contact ids"));
            return List.of();
        }
        List<AudienceMembers.Member> found = new ArrayList<>();
        int i = 0;
        for (JsonNode id : node.values()) {
            String field = FieldPaths.index("contacts", i++);
            Optional<Contact> contact = id.isString() ? contacts.find(tenant, id.getStringValue()).map(c -> c.contact())
                    : Optional.empty();
            if (contact.isEmpty()) {
                errors.add(new FieldError(field, "the tenant has no such contact"));
                continue;
            }
            Contact c = contact.get();
            found.add(new AudienceMembers.Member(c.id(), c.email(), c.name() == null ? "" : c.name(),
                    c.timezone() == null ? "" : c.timezone(), c.locale() == null ? "" : c.locale(), c.attributes()));
        }
        return found;
    }
}
