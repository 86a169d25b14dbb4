package dev.postdate.api.templates;

import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.api.versions.VersionCounter;
import dev.postdate.clickhouse.templates.TemplateStore;
import dev.postdate.core.email.TemplateRef;
import dev.postdate.core.template.PebbleTemplateRenderer;
import dev.postdate.core.template.RenderException;
import dev.postdate.core.template.RenderedEmail;
import dev.postdate.core.template.TemplateProblem;
import dev.postdate.core.template.TemplateSandbox;
import dev.postdate.core.template.TemplateVersion;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Saving, reading and previewing a tenant's templates. Another tenant's template is simply not found. */
@Singleton
public class Templates {

    /** A rendered version. */
    public record Preview(int version, RenderedEmail rendered) {
    }

    /** A stored version rendered with data: the email, or why it does not render (a worker would fail it). */
    public record Rendering(@Nullable RenderedEmail email, @Nullable String problem) {
    }

    private final TemplateStore store;
    private final VersionCounter counter;
    private final TemplateSandbox sandbox;
    private final PebbleTemplateRenderer renderer;
    private final Clock clock;

    public Templates(TemplateStore store, VersionCounter counter, TemplateSandbox sandbox,
                     PebbleTemplateRenderer renderer, Clock clock) {
        this.store = store;
        this.counter = counter;
        this.sandbox = sandbox;
        this.renderer = renderer;
        this.clock = clock;
    }

    /**
     * Validates and stores a new version.
     *
     * @throws ProblemException 422 naming each invalid part with its line and reason
     */
    public TemplateVersion save(String tenant, String name, String subject, @Nullable String html, @Nullable String text) {
        List<TemplateProblem> problems = sandbox.check(subject, html, text);
        if (!problems.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "The template was not saved: "
                    + problems.size() + " problem(s)",
                    problems.stream().map(p -> new FieldError(p.part(), p.message())).toList());
        }
        int version = counter.next("template", tenant, name, store.maxVersion(tenant, name));
        TemplateVersion saved = new TemplateVersion(tenant, name, version, subject, emptyToNull(html),
                emptyToNull(text), clock.instant().truncatedTo(ChronoUnit.SECONDS));
        store.insert(saved);
        return saved;
    }

    public Optional<TemplateVersion> latest(String tenant, String name) {
        return TemplateNames.isValid(name) ? store.latest(tenant, name) : Optional.empty();
    }

    public Optional<TemplateVersion> version(String tenant, String name, int version) {
        return TemplateNames.isValid(name) && version >= 1 ? store.find(tenant, name, version) : Optional.empty();
    }

    public List<TemplateStore.VersionInfo> versions(String tenant, String name) {
        return store.versions(tenant, name);
    }

    /**
     * Renders a version (the latest when none is given) with sample data, exactly as a worker would.
     *
     * @throws ProblemException 404 for an unknown template or version, 422 when it does not render
     */
    public Preview preview(String tenant, String name, @Nullable Integer version, @Nullable Map<String, Object> data) {
        TemplateVersion v = (version == null ? latest(tenant, name) : version(tenant, name, version))
                .orElseThrow(() -> notFound(name, version));
        Rendering rendering = render(tenant, new TemplateRef(name, v.version()), data);
        if (rendering.problem() != null) {
            throw new ProblemException(ProblemType.VALIDATION, rendering.problem(),
                    List.of(new FieldError("data", rendering.problem())));
        }
        return new Preview(v.version(), rendering.email());
    }

    /** Renders a stored version exactly as a worker would. */
    public Rendering render(String tenant, TemplateRef ref, @Nullable Map<String, Object> data) {
        try {
            return new Rendering(sandbox.render(renderer.compiled(tenant, ref), data), null);
        } catch (RenderException e) {
            return new Rendering(null, e.getMessage());
        }
    }

    static ProblemException notFound(String name, @Nullable Integer version) {
        return new ProblemException(ProblemType.NOT_FOUND, version == null
                ? "No template " + name : "No template " + name + " v" + version);
    }

    private static String emptyToNull(@Nullable String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
