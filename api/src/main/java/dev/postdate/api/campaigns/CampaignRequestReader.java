package dev.postdate.api.campaigns;

import dev.postdate.api.ApiSettings;
import dev.postdate.api.intake.EmailRequestValidator;
import dev.postdate.api.intake.FieldPaths;
import dev.postdate.api.intake.TrackingField;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.api.senders.SenderIdentityCache;
import dev.postdate.clickhouse.audiences.AudienceStore;
import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.clickhouse.templates.TemplateStore;
import dev.postdate.core.campaign.AudienceRef;
import dev.postdate.core.campaign.CampaignSchedule;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.campaign.CatchUp;
import dev.postdate.core.campaign.LocalDelivery;
import dev.postdate.core.campaign.Overlap;
import dev.postdate.core.campaign.RateCap;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.TemplateRef;
import dev.postdate.core.email.Tracking;
import dev.postdate.core.template.TemplateVersion;
import dev.postdate.core.time.Rfc3339;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A campaign request's JSON checked whole into a {@link CampaignSpec}: every problem is reported at
 * once, each naming its JSON path; the template is pinned to its latest version when none is given.
 */
@Singleton
public class CampaignRequestReader {

    private static final Set<String> FIELDS = Set.of("name", "template", "audience", "from", "reply_to", "topic",
            "schedule", "delivery", "expire_after", "tags", "catch_up", "overlap", "rate_cap", "tracking");
    private static final int MAX_NAME_LENGTH = 128;
    private static final int MAX_TAGS = 20;
    private static final int MAX_TAG_LENGTH = 128;
    private static final long MAX_RATE_CAP_EMAILS = 1_000_000;
    /** Without an explicit catch-up policy, an occurrence missed by more than this is skipped. */
    private static final Duration DEFAULT_CATCH_UP = Duration.ofHours(24);

    private final TemplateStore templates;
    private final AudienceStore audiences;
    private final SenderIdentityCache senders;
    private final ApiSettings settings;

    public CampaignRequestReader(TemplateStore templates, AudienceStore audiences, SenderIdentityCache senders,
                                 ApiSettings settings) {
        this.templates = templates;
        this.audiences = audiences;
        this.senders = senders;
        this.settings = settings;
    }

    /** @throws ProblemException 422 listing every problem */
    public CampaignSpec read(String tenant, JsonNode root, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        root.entries().forEach(e -> {
            if (!FIELDS.contains(e.getKey())) {
                errors.add(new FieldError(e.getKey(), "unknown field (" + String.join(", ", FIELDS.stream().sorted().toList()) + ")"));
            }
        });
        String name = text(root.get("name"), "name", MAX_NAME_LENGTH, true, errors);
        TemplateRef template = template(tenant, root.get("template"), errors);
        AudienceRef audience = audience(tenant, root.get("audience"), errors);
        Address from = sender(tenant, root.get("from"), "from", true, errors);
        Address replyTo = sender(tenant, root.get("reply_to"), "reply_to", false, errors);
        String topic = topic(root.get("topic"), errors);
        CampaignSchedule schedule = schedule(root.get("schedule"), now, errors);
        LocalDelivery delivery = delivery(root.get("delivery"), schedule, errors);
        Duration expireAfter = duration(root.get("expire_after"), "expire_after", errors);
        List<String> tags = tags(root.get("tags"), errors);
        CatchUp catchUp = catchUp(root.get("catch_up"), expireAfter, errors);
        Overlap overlap = choice(root.get("overlap"), "overlap", Overlap.values(), Overlap::wireName, Overlap.RUN, errors);
        RateCap rateCap = rateCap(root.get("rate_cap"), errors);
        Tracking tracking = TrackingField.read(root.get("tracking"), "tracking", errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "The campaign was not saved: " + errors.size()
                    + " problem(s)", errors);
        }
        return new CampaignSpec(name, template, audience, from, replyTo, topic, schedule, delivery, expireAfter, tags,
                catchUp, overlap, rateCap, tracking);
    }

    private TemplateRef template(String tenant, @Nullable JsonNode node, List<FieldError> errors) {
        Optional<Ref> ref = ref(node, "template", "name", errors);
        if (ref.isEmpty()) {
            return null;
        }
        Optional<TemplateVersion> found = ref.get().version() == null ? templates.latest(tenant, ref.get().id())
                : templates.find(tenant, ref.get().id(), ref.get().version());
        if (found.isEmpty()) {
            errors.add(new FieldError("template", "the tenant has no such template" + versionText(ref.get())));
            return null;
        }
        return new TemplateRef(found.get().name(), found.get().version());
    }

    private AudienceRef audience(String tenant, @Nullable JsonNode node, List<FieldError> errors) {
        Optional<Ref> ref = ref(node, "audience", "id", errors);
        if (ref.isEmpty()) {
            return null;
        }
        boolean exists = ref.get().version() == null ? audiences.latest(tenant, ref.get().id()).isPresent()
                : audiences.find(tenant, ref.get().id(), ref.get().version()).isPresent();
        if (!exists) {
            errors.add(new FieldError("audience", "the tenant has no such audience" + versionText(ref.get())));
            return null;
        }
        return new AudienceRef(ref.get().id(), ref.get().version());
    }

    private record Ref(String id, @Nullable Integer version) {
    }

    private static String versionText(Ref ref) {
        return ref.version() == null ? "" : " version";
    }

    /** {"KEY": "...", "version": N}; version optional. */
    private static Optional<Ref> ref(@Nullable JsonNode node, String field, String key, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError(field, "required: {\"" + key + "\": ..., \"version\": optional}"));
            return Optional.empty();
        }
        if (!node.isObject()) {
            errors.add(new FieldError(field, "must be an object {\"" + key + "\": ..., \"version\": optional}"));
            return Optional.empty();
        }
        int before = errors.size();
        node.entries().forEach(e -> {
            if (!e.getKey().equals(key) && !e.getKey().equals("version")) {
                errors.add(new FieldError(FieldPaths.join(field, e.getKey()), "unknown field (" + key + ", version)"));
            }
        });
        String id = text(node.get(key), FieldPaths.join(field, key), MAX_NAME_LENGTH, true, errors);
        JsonNode version = node.get("version");
        Integer v = null;
        if (version != null && !version.isNull()) {
            if (!version.isNumber() || version.getNumberValue().doubleValue() != Math.rint(version.getNumberValue().doubleValue())
                    || version.getNumberValue().doubleValue() < 1 || version.getNumberValue().doubleValue() > Integer.MAX_VALUE) {
                errors.add(new FieldError(FieldPaths.join(field, "version"), "must be a positive whole number"));
            } else {
                v = version.getNumberValue().intValue();
            }
        }
        return errors.size() == before ? Optional.of(new Ref(id, v)) : Optional.empty();
    }

    /** A string address, or {"email": ..., "name": ...}, covered by one of the tenant's sender identities. */
    private Address sender(String tenant, @Nullable JsonNode node, String field, boolean required, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(new FieldError(field, "required"));
            }
            return null;
        }
        Address address;
        if (node.isString()) {
            address = new Address(node.getStringValue(), null);
        } else if (node.isObject() && node.get("email") != null && node.get("email").isString()
                && (node.get("name") == null || node.get("name").isNull() || node.get("name").isString())) {
            address = new Address(node.get("email").getStringValue(),
                    node.get("name") == null || node.get("name").isNull() ? null : node.get("name").getStringValue());
        } else {
            errors.add(new FieldError(field, "must be an address or {\"email\": ..., \"name\": ...}"));
            return null;
        }
        int before = errors.size();
        Address deliverable = EmailRequestValidator.deliverable(address, field, errors);
        if (errors.size() == before && !senders.allows(tenant, deliverable.email())) {
            errors.add(new FieldError(field, "is not a sender identity of this tenant: neither the address nor its"
                    + " domain was added (./postdate senders add)"));
        }
        return deliverable;
    }

    private static String topic(@Nullable JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString() || !Consent.TOPIC.matcher(node.getStringValue()).matches()) {
            errors.add(new FieldError("topic", "a consent topic: " + Consent.TOPIC.pattern()));
            return null;
        }
        return node.getStringValue();
    }

    private CampaignSchedule schedule(@Nullable JsonNode node, Instant now, List<FieldError> errors) {
        if (node == null || !node.isObject()) {
            errors.add(new FieldError("schedule", "required: {\"at\": RFC 3339} or {\"rrule\": ..., \"start\": ...,"
                    + " \"timezone\": ...}"));
            return null;
        }
        Set<String> known = Set.of("at", "rrule", "start", "timezone", "end");
        node.entries().forEach(e -> {
            if (!known.contains(e.getKey())) {
                errors.add(new FieldError("schedule." + e.getKey(), "unknown field (at, rrule, start, timezone, end)"));
            }
        });
        int before = errors.size();
        if (node.get("at") != null) {
            if (node.get("rrule") != null || node.get("start") != null || node.get("end") != null) {
                errors.add(new FieldError("schedule", "either at, or rrule with start and timezone"));
                return null;
            }
            Instant at = instant(node.get("at"), "schedule.at", errors);
            if (at == null) {
                return null;
            }
            if (at.isBefore(now)) {
                errors.add(new FieldError("schedule.at", "is in the past"));
            } else if (at.isAfter(now.plus(settings.schedulingHorizon()))) {
                errors.add(new FieldError("schedule.at", "is more than " + settings.schedulingHorizon().toDays()
                        + " days ahead"));
            }
            return errors.size() == before ? CampaignSchedule.once(at) : null;
        }
        String rrule = text(node.get("rrule"), "schedule.rrule", 1000, true, errors);
        if (rrule != null) {
            try {
                CampaignSchedule.parse(rrule);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("schedule.rrule", e.getMessage()));
            }
        }
        ZoneId zone = zone(node.get("timezone"), "schedule.timezone", true, errors);
        LocalDateTime start = localDateTime(node.get("start"), "schedule.start", true, errors);
        LocalDateTime end = localDateTime(node.get("end"), "schedule.end", false, errors);
        if (start != null && end != null && end.isBefore(start)) {
            errors.add(new FieldError("schedule.end", "is before start"));
        }
        if (start != null && zone != null && start.atZone(zone).toInstant().isBefore(now.minus(settings.schedulingHorizon()))) {
            errors.add(new FieldError("schedule.start", "is more than " + settings.schedulingHorizon().toDays()
                    + " days in the past"));
        } else if (start != null && zone != null && start.atZone(zone).toInstant().isAfter(now.plus(settings.schedulingHorizon()))) {
            errors.add(new FieldError("schedule.start", "is more than " + settings.schedulingHorizon().toDays()
                    + " days ahead"));
        }
        return errors.size() == before ? new CampaignSchedule(null, rrule, start, zone.getId(), end) : null;
    }

    private static LocalDelivery delivery(@Nullable JsonNode node, @Nullable CampaignSchedule schedule,
                                          List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("delivery", "must be {\"local_time\": \"HH:MM\", \"fallback_timezone\": ...,"
                    + " \"if_passed\": ...}"));
            return null;
        }
        Set<String> known = Set.of("local_time", "fallback_timezone", "if_passed");
        node.entries().forEach(e -> {
            if (!known.contains(e.getKey())) {
                errors.add(new FieldError("delivery." + e.getKey(), "unknown field (local_time, fallback_timezone, if_passed)"));
            }
        });
        int before = errors.size();
        if (schedule != null && !schedule.recurring()) {
            errors.add(new FieldError("delivery", "needs a schedule with rrule, start and timezone (a one-off in local"
                    + " time: FREQ=DAILY;COUNT=1): the occurrence's date is read in the schedule's zone"));
        } else if (schedule != null) {
            try {
                CampaignSchedule.checkAtMostDaily(schedule.rrule());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("schedule.rrule", e.getMessage()));
            }
        }
        LocalTime localTime = null;
        JsonNode time = node.get("local_time");
        if (time == null || !time.isString()) {
            errors.add(new FieldError("delivery.local_time", "required: HH:MM"));
        } else {
            try {
                localTime = LocalTime.parse(time.getStringValue());
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("delivery.local_time", "must be HH:MM (24-hour)"));
            }
        }
        ZoneId fallback = zone(node.get("fallback_timezone"), "delivery.fallback_timezone", true, errors);
        LocalDelivery.IfPassed ifPassed = choice(node.get("if_passed"), "delivery.if_passed", LocalDelivery.IfPassed.values(),
                LocalDelivery.IfPassed::wireName, LocalDelivery.IfPassed.NEXT_DAY, errors);
        return errors.size() == before ? new LocalDelivery(localTime, fallback.getId(), ifPassed) : null;
    }

    private static CatchUp catchUp(@Nullable JsonNode node, @Nullable Duration expireAfter, List<FieldError> errors) {
        Duration fallback = expireAfter == null ? DEFAULT_CATCH_UP : expireAfter;
        if (node == null || node.isNull()) {
            return CatchUp.skipOlderThan(fallback);
        }
        if (!node.isObject()) {
            errors.add(new FieldError("catch_up", "must be {\"policy\": \"skip_older_than\", \"max_age\": ISO 8601}"
                    + " or {\"policy\": \"latest_only\"}"));
            return null;
        }
        CatchUp.Policy policy = choice(node.get("policy"), "catch_up.policy", CatchUp.Policy.values(),
                CatchUp.Policy::wireName, CatchUp.Policy.SKIP_OLDER_THAN, errors);
        Duration maxAge = duration(node.get("max_age"), "catch_up.max_age", errors);
        if (policy == CatchUp.Policy.LATEST_ONLY && maxAge != null) {
            errors.add(new FieldError("catch_up.max_age", "only with policy skip_older_than"));
        }
        return new CatchUp(policy, policy == CatchUp.Policy.SKIP_OLDER_THAN && maxAge == null ? fallback : maxAge);
    }

    /** {"emails": N, "per": ISO 8601 duration, default PT1S}: the period from one second to a week. */
    private static @Nullable RateCap rateCap(@Nullable JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("rate_cap", "must be {\"emails\": N, \"per\": \"PT1M\"}"));
            return null;
        }
        int before = errors.size();
        node.entries().forEach(e -> {
            if (!Set.of("emails", "per").contains(e.getKey())) {
                errors.add(new FieldError("rate_cap." + e.getKey(), "unknown field (emails, per)"));
            }
        });
        long emails = wholeNumber(node.get("emails"));
        if (emails < 1 || emails > MAX_RATE_CAP_EMAILS) {
            errors.add(new FieldError("rate_cap.emails", "required: a whole number from 1 to " + MAX_RATE_CAP_EMAILS));
        }
        Duration per = node.get("per") == null ? Duration.ofSeconds(1) : duration(node.get("per"), "rate_cap.per", errors);
        if (per != null && (per.compareTo(Duration.ofSeconds(1)) < 0 || per.compareTo(Duration.ofDays(7)) > 0)) {
            errors.add(new FieldError("rate_cap.per", "from PT1S to P7D"));
        } else if (per != null && emails >= 1 && emails * Duration.ofHours(1).toMillis() < per.toMillis()) {
            // Slower paces spread an audience over years, beyond what an occurrence or its dry run can plan.
            errors.add(new FieldError("rate_cap", "at least one email per hour"));
        }
        return errors.size() == before ? new RateCap(emails, per) : null;
    }

    /** The node's value if it is a whole number within a long, else 0. */
    private static long wholeNumber(@Nullable JsonNode node) {
        if (node == null || !node.isNumber()) {
            return 0;
        }
        try {
            return node.getBigDecimalValue().longValueExact();
        } catch (ArithmeticException | NumberFormatException e) { // NumberFormatException: beyond a double, e.g. 1e999
            return 0;
        }
    }

    private static List<String> tags(@Nullable JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_TAGS) {
            errors.add(new FieldError("tags", "must be a list of at most " + MAX_TAGS + " strings"));
            return List.of();
        }
        List<String> tags = new ArrayList<>();
        int i = 0;
        for (JsonNode tag : node.values()) {
            String path = FieldPaths.index("tags", i++);
            String value = text(tag, path, MAX_TAG_LENGTH, true, errors);
            if (value != null) {
                tags.add(value);
            }
        }
        return tags;
    }

    private static <E extends Enum<E>> E choice(@Nullable JsonNode node, String field, E[] values,
                                                Function<E, String> wire, E fallback, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        List<String> names = Arrays.stream(values).map(wire).toList();
        if (node.isString()) {
            for (E value : values) {
                if (wire.apply(value).equals(node.getStringValue())) {
                    return value;
                }
            }
        }
        errors.add(new FieldError(field, "one of " + String.join(", ", names)));
        return fallback;
    }

    private static @Nullable Duration duration(@Nullable JsonNode node, String field, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            Duration d = node.isString() ? Duration.parse(node.getStringValue()) : null;
            if (d != null && d.isPositive()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        errors.add(new FieldError(field, "a positive ISO 8601 duration (PT6H, P1D)"));
        return null;
    }

    private static @Nullable Instant instant(JsonNode node, String field, List<FieldError> errors) {
        try {
            if (node.isString()) {
                return Rfc3339.instant(node.getStringValue());
            }
        } catch (DateTimeException | IllegalArgumentException e) {
            // reported below
        }
        errors.add(new FieldError(field, "an RFC 3339 date-time with offset (2026-12-07T08:00:00+01:00)"));
        return null;
    }

    /** A local date (midnight) or local date-time without offset: the schedule's zone gives it one. */
    private static @Nullable LocalDateTime localDateTime(@Nullable JsonNode node, String field, boolean required,
                                                         List<FieldError> errors) {
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(new FieldError(field, "required: a date (2026-12-07) or local date-time (2026-12-07T08:00)"));
            }
            return null;
        }
        if (node.isString()) {
            String value = node.getStringValue();
            try {
                return value.length() == 10 ? LocalDate.parse(value).atStartOfDay() : LocalDateTime.parse(value);
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        errors.add(new FieldError(field, "a date (2026-12-07) or local date-time (2026-12-07T08:00), no offset"));
        return null;
    }

    private static @Nullable ZoneId zone(@Nullable JsonNode node, String field, boolean required, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(new FieldError(field, "required: an IANA time zone (Europe/Berlin)"));
            }
            return null;
        }
        if (node.isString()) {
            try {
                ZoneId zone = ZoneId.of(node.getStringValue());
                if (!(zone instanceof ZoneOffset)) {
                    return zone;
                }
            } catch (DateTimeException e) {
                // reported below
            }
        }
        errors.add(new FieldError(field, "an IANA time zone (Europe/Berlin, UTC)"));
        return null;
    }

    private static @Nullable String text(@Nullable JsonNode node, String field, int maxLength, boolean required,
                                         List<FieldError> errors) {
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(new FieldError(field, "required"));
            }
            return null;
        }
        if (!node.isString() || node.getStringValue().isBlank() || node.getStringValue().length() > maxLength
                || node.getStringValue().chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "1 to " + maxLength + " characters, no control characters"));
            return null;
        }
        return node.getStringValue();
    }
}
