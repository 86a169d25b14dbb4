package dev.postdate.api.campaigns;

import dev.postdate.core.template.TemplateVersion;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contact values a template reads by their dotted paths ({@code contact.attributes.plan},
 * {@code contact.name}), except where a default is given or definedness is tested. A dynamic lookup
 * ({@code contact.attributes[key]}) is not seen; the dry run's sample renders still show its failure.
 */
final class TemplateVariables {

    /** A missing attribute fails the render (strict variables); an empty field renders as "". */
    record Read(Set<String> attributes, Set<String> fields) {
    }

    private static final Pattern ATTRIBUTE = Pattern.compile("contact\\.attributes\\.([A-Za-z_][A-Za-z0-9_]*)(\\s*(\\||is\\s+(not\\s+)?(defined|null)))?");
    private static final Pattern FIELD = Pattern.compile("contact\\.(name|timezone|locale)\\b(\\s*(\\||is\\s+(not\\s+)?(defined|null)))?");

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

    /** A reference piped into a filter ({@code | default(...)}) or tested is guarded; others are plain reads. */
    private static void collect(Matcher matcher, Set<String> into) {
        while (matcher.find()) {
            if (matcher.group(2) == null) {
                into.add(matcher.group(1));
            }
        }
    }
}
