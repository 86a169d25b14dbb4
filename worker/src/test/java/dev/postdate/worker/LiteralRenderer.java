package dev.postdate.worker;

import dev.postdate.core.email.EmailContent;
import dev.postdate.core.template.RenderException;
import dev.postdate.core.template.RenderedEmail;
import dev.postdate.core.template.TemplateRenderer;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;

/**
 * Test stand-in until the Pebble renderer exists: literal subject and bodies; a template reference
 * fails like a missing template. {@code @Secondary}: the real renderer wins once it is a bean.
 */
@Singleton
@Secondary
public class LiteralRenderer implements TemplateRenderer {

    @Override
    public RenderedEmail render(String tenant, EmailContent content) {
        if (content.template() != null) {
            throw new RenderException("template " + content.template().name() + " does not exist", null);
        }
        return new RenderedEmail(content.subject() == null ? "" : content.subject(), content.html(), content.text());
    }
}
