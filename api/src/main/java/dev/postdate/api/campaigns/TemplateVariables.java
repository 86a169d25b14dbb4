package dev.postdate.api.campaigns;

import dev.postdate.core.template.TemplateVersion;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contact values a template reads by their dotted paths ({@code contact.attributes.plan},
 * {@code contact.name}), except where {@code | default(...)} or a definedness test guards the read
 * itself. A read inside an {@code {% if ... is defined %}} block is still counted, and a dynamic lookup
 * ({@code contact.attributes[key]}) is not seen; the dry run's sample renders show what really fails.
 */
final class TemplateVariables {

    /** A missing attribute fails the render (strict variables); an empty field renders as "". */
    record Read(Set<String> attributes, Set<String> fields) {
    }

    /** A read, and whether a default or a definedness test guards it. */
    private static final String GUARD = "(\\s*(\\|\\s*default\\b|is\\s+(not\\s+)?(defined|null)\\b))?";
    private static final Pattern ATTRIBUTE = Pattern.compile("contact\\.attributes\\.([A-Za-z_][A-Za-z0-9_]*)" + GUARD);
    private static final Pattern FIELD = Pattern.compile("contact\\.(name|timezone|locale)\\b" + GUARD);

    private TemplateVariables() {
    }

    static Read of(TemplateVersion template) {
        Set<String> attributes = new TreeSet<>();
        Set<String> fields = new TreeSet<>();
        for (String source : new String[]{template.subject(), template.html(), template.text()}) {
            if (source == null) {
                continue;
            }
            collect(ATTRIBUTE.matcher(source), attributes);
            collect(FIELD.matcher(source), fields);
        }
        return new Read(attributes, fields);
    }

    /** A reference piped into {@code default} or tested for definedness is guarded; others are plain reads. */
    private static void collect(Matcher matcher, Set<String> into) {
        while (matcher.find()) {
            if (matcher.group(2) == null) {
                into.add(matcher.group(1));
            }
        }
    }
}
