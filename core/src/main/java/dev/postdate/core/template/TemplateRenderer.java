package dev.postdate.core.template;

import dev.postdate.core.email.EmailContent;

/**
 * Turns an email's content into what is sent: its template rendered with its data, or its literal
 * subject and bodies.
 */
public interface TemplateRenderer {

    /**
     * @throws RenderException when this email cannot be rendered (a variable its data lacks, a
     *                         template that does not exist): a permanent failure of this email alone
     */
    RenderedEmail render(String tenant, EmailContent content);
}
