package dev.postdate.api.campaigns;

import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.api.templates.Templates;
import dev.postdate.clickhouse.audiences.AudienceCounts;
import dev.postdate.clickhouse.audiences.AudienceMembers;
import dev.postdate.clickhouse.audiences.AudienceProfile;
import dev.postdate.clickhouse.audiences.AudienceStore;
import dev.postdate.clickhouse.audiences.AudienceVersion;
import dev.postdate.clickhouse.audiences.Rule;
import dev.postdate.clickhouse.campaigns.Campaign;
import dev.postdate.clickhouse.campaigns.RecipientData;
import dev.postdate.clickhouse.contacts.ContactStatus;
import dev.postdate.clickhouse.templates.TemplateStore;
import dev.postdate.core.campaign.AudienceRef;
import dev.postdate.core.campaign.CampaignSchedule;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.campaign.LocalDelivery;
import dev.postdate.core.campaign.RateCap;
import dev.postdate.core.template.TemplateVersion;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A campaign's next occurrence computed without sending or scheduling anything: whom it reaches (the
 * same SQL the expander pages through), who is left out and why, where and when the mail goes, samples
 * rendered exactly as a worker would, and the recipients whose data lacks what the template reads.
 */
@Singleton
public class DryRun {

    private static final int TOP_DOMAINS = 20;

    private final Campaigns campaigns;
    private final AudienceStore audiences;
    private final AudienceCounts counts;
    private final AudienceProfile profile;
    private final AudienceMembers members;
    private final TemplateStore templateStore;
    private final Templates templates;
    private final CampaignSettings settings;
    private final Clock clock;

    public DryRun(Campaigns campaigns, AudienceStore audiences, AudienceCounts counts, AudienceProfile profile,
                  AudienceMembers members, TemplateStore templateStore, Templates templates, CampaignSettings settings,
                  Clock clock) {
        this.campaigns = campaigns;
        this.audiences = audiences;
        this.counts = counts;
        this.profile = profile;
        this.members = members;
        this.templateStore = templateStore;
        this.templates = templates;
        this.settings = settings;
        this.clock = clock;
    }

    public DryRunView run(String tenant, String campaignId, int samples) {
        Campaign campaign = campaigns.find(tenant, campaignId);
        CampaignSpec spec = campaign.spec();
        Instant now = clock.instant();
        AudienceRef ref = spec.audience();
        AudienceVersion audience = (ref.version() == null ? audiences.latest(tenant, ref.id())
                : audiences.find(tenant, ref.id(), ref.version())).orElseThrow(() -> new ProblemException(
                ProblemType.CONFLICT, "The campaign's audience " + ref.id() + " no longer exists"));
        Rule rule = audiences.rule(audience);
        Optional<CampaignSchedule.Occurrence> next = spec.schedule().nextAfter(now)
                .map(at -> spec.schedule().plannedThrough(at).getLast());

        AudienceCounts.Count count = counts.count(tenant, rule, now, spec.topic());
        Map<Instant, Long> byInstant = new TreeMap<>();
        Map<String, Long> byLocalHour = new TreeMap<>();
        long passed = 0;
        if (next.isPresent()) {
            for (Map.Entry<String, Long> zone : profile.zones(tenant, rule, now, spec.topic()).entrySet()) {
                Optional<Instant> sendAt = sendAt(spec, next.get(), zone.getKey(), now);
                if (sendAt.isEmpty()) {
                    passed += zone.getValue();
                    continue;
                }
                byInstant.merge(sendAt.get(), zone.getValue(), Long::sum);
                String localHour = sendAt.get().atZone(zoneOf(spec, zone.getKey())).truncatedTo(ChronoUnit.HOURS)
                        .toLocalTime().toString();
                byLocalHour.merge(localHour, zone.getValue(), Long::sum);
            }
        }
        Map<String, Long> excluded = new LinkedHashMap<>();
        excluded.put("unsubscribed", count.byStatus().get(ContactStatus.UNSUBSCRIBED));
        excluded.put("bounced", count.byStatus().get(ContactStatus.BOUNCED));
        excluded.put("complained", count.byStatus().get(ContactStatus.COMPLAINED));
        excluded.put("suppressed", count.suppressed());
        excluded.put("no_consent", count.unconsented());
        excluded.put("local_time_passed", passed);

        return new DryRunView(next.map(o -> o.planned().toInstant().toString()).orElse(null), audience.id(),
                audience.version(), count.matching(), count.eligible() - passed, excluded,
                profile.domains(tenant, rule, now, spec.topic(), TOP_DOMAINS).entrySet().stream()
                        .map(e -> new DryRunView.DomainCount(e.getKey(), e.getValue())).toList(),
                utcHours(byInstant, spec.rateCap()), byLocalHour.entrySet().stream()
                        .map(e -> new DryRunView.LocalHourCount(e.getKey(), e.getValue())).toList(),
                settings.dryRunSendRate(), eta(byInstant, spec.rateCap()), samples(campaign, rule, next, now, samples),
                missing(campaign, rule, now));
    }

    /** When a zone's recipients are due, or empty when their local time passed and the campaign skips them. */
    private static Optional<Instant> sendAt(CampaignSpec spec, CampaignSchedule.Occurrence occurrence, String zone,
                                            Instant now) {
        if (spec.delivery() == null) {
            Instant planned = occurrence.planned().toInstant();
            return Optional.of(planned.isBefore(now) ? now : planned);
        }
        return spec.delivery().slot(CampaignSpec.dateOf(occurrence), zone, now).map(LocalDelivery.Slot::sendAt);
    }

    private static ZoneId zoneOf(CampaignSpec spec, String zone) {
        if (spec.delivery() != null) {
            return spec.delivery().zoneOf(zone);
        }
        try {
            return zone.isEmpty() ? ZoneOffset.UTC : ZoneId.of(zone);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    /** Recipients per UTC hour, each instant's group spread at the campaign's rate cap if it has one. */
    private static List<DryRunView.HourCount> utcHours(Map<Instant, Long> byInstant, @Nullable RateCap cap) {
        Map<Instant, Long> hours = new TreeMap<>();
        byInstant.forEach((at, n) -> {
            if (cap == null) {
                hours.merge(at.truncatedTo(ChronoUnit.HOURS), n, Long::sum);
                return;
            }
            Instant start = at.truncatedTo(ChronoUnit.SECONDS);
            long placed = 0;
            for (Instant hour = start.truncatedTo(ChronoUnit.HOURS); placed < n; hour = hour.plus(Duration.ofHours(1))) {
                long upTo = cap.before(start, n, hour.plus(Duration.ofHours(1)));
                if (upTo > placed) {
                    hours.merge(hour, upTo - placed, Long::sum);
                }
                placed = upTo;
            }
        });
        return hours.entrySet().stream().map(e -> new DryRunView.HourCount(e.getKey().toString(), e.getValue())).toList();
    }

    /**
     * The last send: each group of recipients starts at its time or after the backlog at the assumed
     * send rate, and takes at least as long as the campaign's rate cap spreads it.
     */
    private @Nullable String eta(Map<Instant, Long> byInstant, @Nullable RateCap cap) {
        if (byInstant.isEmpty()) {
            return null;
        }
        double rate = settings.dryRunSendRate();
        Instant done = Instant.MIN;
        for (Map.Entry<Instant, Long> group : byInstant.entrySet()) {
            Instant start = group.getKey().isAfter(done) ? group.getKey() : done;
            Instant atRate = rate <= 0 ? start
                    : start.plus(Duration.ofMillis((long) Math.ceil(group.getValue() * 1000 / rate)));
            Instant capped = cap == null ? group.getKey()
                    : cap.slot(group.getKey().truncatedTo(ChronoUnit.SECONDS), group.getValue() - 1);
            done = atRate.isAfter(capped) ? atRate : capped;
        }
        return done.toString();
    }

    private List<DryRunView.SampleRender> samples(Campaign campaign, Rule rule, Optional<CampaignSchedule.Occurrence> next,
                                                  Instant now, int n) {
        if (n == 0) {
            return List.of();
        }
        int occurrence = next.map(CampaignSchedule.Occurrence::number).orElse(0);
        List<DryRunView.SampleRender> renders = new ArrayList<>();
        for (AudienceMembers.Member member : members.page(campaign.tenant(), rule, now, campaign.spec().topic(), "", n)) {
            Templates.Rendering r = templates.render(campaign.tenant(), campaign.spec().template(),
                    RecipientData.of(campaign, occurrence, member));
            renders.add(r.email() == null
                    ? new DryRunView.SampleRender(member.id(), member.email(), null, null, null, r.problem())
                    : new DryRunView.SampleRender(member.id(), member.email(), r.email().subject(), r.email().html(),
                    r.email().text(), null));
        }
        return renders;
    }

    private List<DryRunView.MissingVariable> missing(Campaign campaign, Rule rule, Instant now) {
        String tenant = campaign.tenant();
        CampaignSpec spec = campaign.spec();
        Optional<TemplateVersion> template = templateStore.find(tenant, spec.template().name(), spec.template().version());
        if (template.isEmpty()) {
            return List.of();
        }
        TemplateVariables.Read read = TemplateVariables.of(template.get());
        List<DryRunView.MissingVariable> missing = new ArrayList<>();
        for (String attribute : read.attributes()) {
            AudienceProfile.Lacking lacking = profile.lackingAttribute(tenant, rule, now, spec.topic(), attribute,
                    settings.dryRunListed());
            if (lacking.recipients() > 0) {
                missing.add(new DryRunView.MissingVariable("contact.attributes." + attribute, lacking.recipients(),
                        lacking.contactIds(), true));
            }
        }
        for (String field : read.fields()) {
            AudienceProfile.Lacking lacking = profile.lackingField(tenant, rule, now, spec.topic(), field,
                    settings.dryRunListed());
            if (lacking.recipients() > 0) {
                missing.add(new DryRunView.MissingVariable("contact." + field, lacking.recipients(),
                        lacking.contactIds(), false));
            }
        }
        return missing;
    }
}
