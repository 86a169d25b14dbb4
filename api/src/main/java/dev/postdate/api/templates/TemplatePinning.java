package dev.postdate.api.templates;

import dev.postdate.api.intake.ValidEmail;
import dev.postdate.api.problem.FieldError;
import dev.postdate.clickhouse.templates.TemplateStore;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.TemplateRef;
import dev.postdate.core.template.TemplateVersion;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * At acceptance, every template reference must name an existing template and version of the tenant,
 * and a reference without a version is pinned to the version current now: a later edit of the
 * template cannot change mail already scheduled. Each distinct template of a request costs one
 * query for its latest version; known versions come from the store's memory.
 */
@Singleton
public class TemplatePinning {

    private final TemplateStore store;

    public TemplatePinning(TemplateStore store) {
        this.store = store;
    }

    /** The emails with every template reference pinned; adds an error per unknown template or version. */
    public List<ValidEmail> pin(String tenant, List<ValidEmail> emails, List<FieldError> errors) {
        Map<String, Optional<TemplateVersion>> latest = new HashMap<>();
        List<ValidEmail> pinned = new ArrayList<>(emails.size());
        for (ValidEmail email : emails) {
            TemplateRef ref = email.content().template();
            if (ref == null || !TemplateNames.isValid(ref.name()) || (ref.version() != null && ref.version() < 1)) {
                pinned.add(email); // no template, or an invalid reference the validator reported
                continue;
            }
            if (ref.version() != null) {
                if (store.find(tenant, ref.name(), ref.version()).isEmpty()) {
                    boolean known = latest.computeIfAbsent(ref.name(), n -> store.latest(tenant, n)).isPresent();
                    errors.add(known
                            ? new FieldError(email.parsed().field("template.version"), "template " + ref.name()
                            + " has no version " + ref.version())
                            : new FieldError(email.parsed().field("template.name"), "no template " + ref.name()));
                }
                pinned.add(email);
                continue;
            }
            Optional<TemplateVersion> current = latest.computeIfAbsent(ref.name(), n -> store.latest(tenant, n));
            if (current.isEmpty()) {
                errors.add(new FieldError(email.parsed().field("template.name"), "no template " + ref.name()));
                pinned.add(email);
                continue;
            }
            EmailContent c = email.content();
            EmailContent withVersion = new EmailContent(c.to(), c.from(), c.replyTo(), c.subject(), c.html(), c.text(),
                    new TemplateRef(ref.name(), current.get().version()), c.data(), c.headers(), c.tags(), c.topic(), c.expiresAt(), c.tracking());
            pinned.add(new ValidEmail(email.parsed(), withVersion, email.requestedSendAt(), email.batchId(),
                    email.idempotencyKey(), email.fingerprint()));
        }
        return pinned;
    }
}
