package dev.postdate.api.intake;

import com.google.common.base.Utf8;
import dev.postdate.api.ApiSettings;
import dev.postdate.api.problem.FieldError;
import dev.postdate.api.senders.SenderIdentityCache;
import dev.postdate.api.templates.TemplateNames;
import dev.postdate.clickhouse.contacts.Consent;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.template.DataLimits;
import dev.postdate.core.template.TemplateSettings;
import dev.postdate.core.time.Rfc3339;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The content rules of an email: addresses, sender identities, header injection, reserved headers,
 * sizes, send_at, identifiers. Collects every violation so a client fixes a batch in one round.
 */
@Singleton
public class EmailRequestValidator {


    private final ApiSettings settings;
    private final DataLimits dataLimits;
    private final SenderIdentityCache senders;
    private final Set<String> reservedHeaders;
    /** Lower-case prefixes of reserved families ({@code X-SES-*} gives {@code x-ses-}). */
    private final List<String> reservedPrefixes;

    public EmailRequestValidator(ApiSettings settings, TemplateSettings templateSettings,
                                 SenderIdentityCache senders) {
        this.settings = settings;
        this.dataLimits = new DataLimits(templateSettings);
        this.senders = senders;
        this.reservedHeaders = settings.reservedHeaders().stream().filter(h -> !h.endsWith("*"))
                .map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.reservedPrefixes = settings.reservedHeaders().stream().filter(h -> h.endsWith("*"))
                .map(h -> h.substring(0, h.length() - 1).toLowerCase(Locale.ROOT)).toList();
    }

    /** The valid emails; complete only when no error was added. */
    public List<ValidEmail> validate(String tenant, List<ParsedEmail> emails, Instant now, List<FieldError> errors) {
        // A batch usually shares one send_at text ("everyone at 8 PM"): parsed once, not per email.
        Map<String, Instant> sendAtByText = new HashMap<>();
        List<ValidEmail> valid = emails.stream().map(email -> validate(tenant, email, now, errors, sendAtByText)).toList();
        rejectDuplicateIdempotencyKeys(valid, errors);
        return valid;
    }

    private ValidEmail validate(String tenant, ParsedEmail email, Instant now, List<FieldError> errors,
                                Map<String, Instant> sendAtByText) {
        EmailRequest r = email.request();
        Address to = deliverable(r.to(), email.field("to"), errors);
        Address from = sender(tenant, r.from(), email.field("from"), errors);
        Address replyTo = r.replyTo() == null ? null : sender(tenant, r.replyTo(), email.field("reply_to"), errors);
        if (r.subject() != null && Tokens.hasLineBreak(r.subject())) {
            errors.add(new FieldError(email.field("subject"), "must not contain CR, LF or NUL"));
        }
        checkBody(email, errors);
        r.headers().forEach((name, value) -> checkHeader(email.field("headers." + name), name, value, errors));
        for (int i = 0; i < r.tags().size(); i++) {
            if (Tokens.hasLineBreak(r.tags().get(i))) {
                errors.add(new FieldError(FieldPaths.index(email.field("tags"), i), "must not contain CR, LF or NUL"));
            }
        }
        if (r.batchId() != null && !Tokens.isBatchId(r.batchId(), settings.maxIdLength())) {
            errors.add(new FieldError(email.field("batch_id"), "1 to " + settings.maxIdLength()
                    + " of A-Z a-z 0-9 . _ ~ -"));
        } else if (r.batchId() != null && r.batchId().startsWith(CampaignSpec.BATCH_PREFIX)) {
            errors.add(new FieldError(email.field("batch_id"), "must not start with \"" + CampaignSpec.BATCH_PREFIX
                    + "\": campaigns' occurrences use those batches"));
        }
        if (r.idempotencyKey() != null && !(Tokens.isVisibleAscii(r.idempotencyKey())
                && r.idempotencyKey().length() <= settings.maxIdLength())) {
            errors.add(new FieldError(email.field("idempotency_key"), "1 to " + settings.maxIdLength()
                    + " visible ASCII characters"));
        }
        if (r.topic() != null && !Consent.TOPIC.matcher(r.topic()).matches()) {
            errors.add(new FieldError(email.field("topic"), "1 to 64 of a-z 0-9 _ -, starting with a letter or digit"));
        }
        Instant sendAt = sendAt(email, now, errors, sendAtByText);
        EmailContent content = new EmailContent(to, from, replyTo, r.subject(), r.html(), r.text(),
                r.template(), r.data(), r.headers(), r.tags(), r.topic(), null, r.tracking());
        String fingerprint = r.idempotencyKey() == null ? null : sha256(JsonTrees.canonical(email.json()));
        return new ValidEmail(email, content, sendAt, r.batchId() == null ? "" : r.batchId(),
                r.idempotencyKey(), fingerprint);
    }

    /**
     * A from or reply_to: deliverable, and covered by one of the tenant's sender identities, so that
     * no tenant sends as a domain another tenant (or nobody) verified with the provider. reply_to is
     * held to the same rule: replies are how a phishing mail harvests answers.
     */
    private Address sender(String tenant, Address address, String field, List<FieldError> errors) {
        int before = errors.size();
        Address deliverable = deliverable(address, field, errors);
        if (errors.size() == before && !senders.allows(tenant, deliverable.email())) {
            errors.add(new FieldError(FieldPaths.join(field, "email"),
                    "is not a sender identity of this tenant: neither the address nor its domain was added"
                            + " (./postdate senders add)"));
        }
        return deliverable;
    }

    /**
     * The address as it will be sent, its domain in ASCII (punycode) form, or as given when invalid
     * (then errors says why). SES, and SMTP servers without SMTPUTF8, take internationalized domains
     * only as punycode and cannot deliver to a non-ASCII local part at all.
     */
    public static Address deliverable(Address address, String field, List<FieldError> errors) {
        String emailField = FieldPaths.join(field, "email");
        String email = address.email();
        if (address.name() != null && Tokens.hasLineBreak(address.name())) {
            errors.add(new FieldError(FieldPaths.join(field, "name"), "must not contain CR, LF or NUL"));
        }
        if (Tokens.hasLineBreak(email)) {
            errors.add(new FieldError(emailField, "must not contain CR, LF or NUL"));
            return address;
        }
        try {
            InternetAddress parsed = new InternetAddress(email, true);
            // Strict parsing still accepts "Name <a@b>" and local-only addresses: the field holds one bare address.
            if (!parsed.getAddress().equals(email) || email.indexOf('@') < 1) {
                errors.add(new FieldError(emailField, "must be a bare address like someone@example.com"));
                return address;
            }
        } catch (AddressException e) {
            errors.add(new FieldError(emailField, "invalid address: " + e.getMessage()));
            return address;
        }
        int at = email.lastIndexOf('@');
        if (!isAscii(email.substring(0, at))) {
            errors.add(new FieldError(emailField,
                    "the part before @ must be ASCII: SES and SMTP without SMTPUTF8 cannot deliver to it"));
            return address;
        }
        String domain = email.substring(at + 1);
        if (isAscii(domain)) {
            return address;
        }
        try {
            return new Address(email.substring(0, at + 1) + IDN.toASCII(domain), address.name());
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(emailField, "the domain is not a valid internationalized domain name"));
            return address;
        }
    }

    private static boolean isAscii(String value) {
        return value.chars().allMatch(c -> c < 0x80);
    }

    private void checkBody(ParsedEmail email, List<FieldError> errors) {
        EmailRequest r = email.request();
        if (r.html() == null && r.text() == null && r.template() == null) {
            errors.add(new FieldError(email.path(), "needs html, text or template"));
        }
        if (r.template() != null) {
            if (!TemplateNames.isValid(r.template().name())) {
                errors.add(new FieldError(email.field("template.name"), "1 to 64 of a-z 0-9 _ -"));
            }
            // The template provides the bodies (the email's own subject, when given, replaces the template's).
            if (r.html() != null) {
                errors.add(new FieldError(email.field("html"), "not allowed with template: the template provides html"));
            }
            if (r.text() != null) {
                errors.add(new FieldError(email.field("text"), "not allowed with template: the template provides text"));
            }
            if (r.template().version() != null && r.template().version() < 1) {
                errors.add(new FieldError(email.field("template.version"), "must be 1 or more"));
            }
        }
        // Refused here rather than failed at send time: a worker renders with the same limits.
        dataLimits.check(r.data()).ifPresent(violation ->
                errors.add(new FieldError(email.field(violation.path()), violation.reason())));
        JsonNode data = email.json().get("data");
        long bytes = bodyBytes(email, "html", r.html(), errors) + bodyBytes(email, "text", r.text(), errors)
                + (data == null ? 0 : Utf8.encodedLength(JsonTrees.canonical(data)));
        if (bytes > settings.maxEmailBytes()) {
            errors.add(new FieldError(email.path(), "html + text + data is " + bytes + " bytes, more than "
                    + settings.maxEmailBytes()));
        }
    }

    private void checkHeader(String field, String name, String value, List<FieldError> errors) {
        if (!Tokens.isHeaderName(name)) {
            errors.add(new FieldError(field, "header name must be visible ASCII without ':'"));
        } else if (isReserved(name.toLowerCase(Locale.ROOT))) {
            errors.add(new FieldError(field, "header is reserved: Postdate, the provider or the receiving"
                    + " servers set it (use the email's own field where there is one)"));
        }
        if (Tokens.hasLineBreak(value)) {
            errors.add(new FieldError(field, "header value must not contain CR, LF or NUL"));
        }
    }

    private boolean isReserved(String lowerCaseName) {
        return reservedHeaders.contains(lowerCaseName) || reservedPrefixes.stream().anyMatch(lowerCaseName::startsWith);
    }

    private Instant sendAt(ParsedEmail email, Instant now, List<FieldError> errors, Map<String, Instant> sendAtByText) {
        String value = email.request().sendAt();
        if (value == null) {
            return null;
        }
        Instant sendAt = sendAtByText.computeIfAbsent(value, Rfc3339::instant);
        if (sendAt == null) {
            errors.add(new FieldError(email.field("send_at"), "must be RFC 3339 with an offset, e.g. 2030-01-31T08:00:00+01:00"));
            return null;
        }
        if (sendAt.isAfter(now.plus(settings.schedulingHorizon()))) {
            errors.add(new FieldError(email.field("send_at"), "is beyond the scheduling horizon of "
                    + settings.schedulingHorizon().toDays() + " days"));
        }
        return sendAt;
    }

    private static void rejectDuplicateIdempotencyKeys(List<ValidEmail> emails, List<FieldError> errors) {
        Map<String, String> firstUse = new HashMap<>();
        for (ValidEmail email : emails) {
            if (email.idempotencyKey() != null) {
                String first = firstUse.putIfAbsent(email.idempotencyKey(), email.parsed().path());
                if (first != null) {
                    errors.add(new FieldError(email.parsed().field("idempotency_key"), "also used by " + first));
                }
            }
        }
    }

    /** UTF-8 length of a body, which the reader left for this one pass to check (data it checked itself). */
    private static long bodyBytes(ParsedEmail email, String field, String body, List<FieldError> errors) {
        if (body == null) {
            return 0;
        }
        try {
            return Utf8.encodedLength(body);
        } catch (IllegalArgumentException unpairedSurrogate) {
            errors.add(new FieldError(email.field(field), Tokens.UNPAIRED_SURROGATE));
            return 0;
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
