package dev.postdate.core.template;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.TemplateRef;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Renders emails with stored templates. Compiled versions are cached by (tenant, name, version) up
 * to {@code postdate.templates.cache-size}: versions are immutable, so a cached one is never stale
 * and a cache hit touches no storage. A literal email (no template) is returned as it is.
 * <p>
 * Failures: {@link RenderException} for what is wrong with this email (unknown template or version,
 * a variable its data lacks, a rendered subject on two lines): permanent, this email alone. A
 * storage failure while loading a version is not a RenderException: it is transient.
 */
@Singleton
public class PebbleTemplateRenderer implements TemplateRenderer {

    private record Key(String tenant, String name, int version) {
    }

    private final TemplateSource source;
    private final TemplateSandbox sandbox;
    private final Cache<Key, CompiledTemplate> compiled;

    public PebbleTemplateRenderer(TemplateSource source, TemplateSandbox sandbox, TemplateSettings settings) {
        this.source = source;
        this.sandbox = sandbox;
        this.compiled = Caffeine.newBuilder().maximumSize(settings.cacheSize())
                .executor(Runnable::run) // evict on the writing thread: the bound holds at once
                .build();
    }

    @Override
    public RenderedEmail render(String tenant, EmailContent content) {
        TemplateRef ref = content.template();
        if (ref == null) {
            return new RenderedEmail(content.subject() == null ? "" : content.subject(), content.html(), content.text());
        }
        RenderedEmail rendered = sandbox.render(compiled(tenant, ref), content.data());
        // The email's own subject, when it gives one, replaces the template's (docs/templates.md).
        return content.subject() == null ? rendered
                : new RenderedEmail(content.subject(), rendered.html(), rendered.text());
    }

    /** The compiled version an email refers to; the newest one when the reference has no version. */
    public CompiledTemplate compiled(String tenant, TemplateRef ref) {
        int version;
        if (ref.version() == null) {
            // Only for emails accepted without pinning (the api pins every version it accepts).
            version = source.latest(tenant, ref.name())
                    .orElseThrow(() -> new RenderException("template " + ref.name() + " does not exist", null))
                    .version();
        } else {
            version = ref.version();
        }
        Key key = new Key(tenant, ref.name(), version);
        CompiledTemplate hit = compiled.getIfPresent(key);
        if (hit != null) {
            return hit;
        }
        Optional<TemplateVersion> stored = source.find(tenant, ref.name(), version);
        if (stored.isEmpty()) {
            throw new RenderException("template " + ref.name() + " v" + version + " does not exist", null);
        }
        CompiledTemplate template;
        try {
            template = sandbox.compile(stored.get());
        } catch (InvalidTemplateException e) {
            throw new RenderException(stored.get().label() + " does not compile: " + e.getMessage(), e);
        }
        compiled.put(key, template);
        return template;
    }
}
