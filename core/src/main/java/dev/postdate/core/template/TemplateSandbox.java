package dev.postdate.core.template;

import io.micronaut.core.annotation.Nullable;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.attributes.methodaccess.MethodAccessValidator;
import io.pebbletemplates.pebble.error.AttributeNotFoundException;
import io.pebbletemplates.pebble.error.ClassAccessException;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.error.RootAttributeNotFoundException;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.core.DisallowExtensionCustomizerBuilder;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.pebbletemplates.pebble.tokenParser.TokenParser;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pebble in a sandbox: what a tenant's template may do and nothing more.
 * <ul>
 *   <li>no Java method is callable ({@code name.getClass()} fails): only map keys, list indexes and
 *       Pebble's own filters, tests and operators reach the data;</li>
 *   <li>no other template or file is reachable: the tags {@code include}, {@code import}, {@code from},
 *       {@code extends}, {@code embed} are not part of the syntax, and the only loader resolves
 *       nothing but the source being compiled;</li>
 *   <li>nothing shared between templates or unbounded: no {@code cache}, {@code parallel},
 *       {@code macro}, {@code block} tags, no {@code range}, {@code block}, {@code parent},
 *       {@code i18n} functions, no {@code ..} operator; rendered output is capped;</li>
 *   <li>a render budget: each email's render may run so many {@code for} iterations for so long,
 *       {@code set} may not build values larger than a rendered part or than data may hold, and
 *       the data is held to {@link DataLimits} (docs/security.md, "Render budget");</li>
 *   <li>strict variables: a variable the data lacks is an error, never an empty string;</li>
 *   <li>HTML parts are autoescaped (strategy html); subject and text are plain text, not escaped.</li>
 * </ul>
 */
@Singleton
public class TemplateSandbox {

    static final List<String> DISALLOWED_TAGS = List.of("include", "import", "from", "extends", "embed",
            "cache", "parallel", "macro", "block");
    static final List<String> DISALLOWED_FUNCTIONS = List.of("range", "block", "parent", "i18n");
    static final List<String> DISALLOWED_BINARY_OPERATORS = List.of("..");
    /** Denies every method: data reaches templates as maps, lists, strings, numbers and booleans only. */
    private static final MethodAccessValidator NO_METHODS = (object, method) -> false;

    private final TemplateSettings settings;
    private final Clock clock;
    private final DataLimits dataLimits;
    private final OwnPartsLoader loader = new OwnPartsLoader();
    private final PebbleEngine htmlEngine;
    private final PebbleEngine plainEngine;

    public TemplateSandbox(TemplateSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.dataLimits = new DataLimits(settings);
        this.htmlEngine = engine(true);
        this.plainEngine = engine(false);
    }

    private PebbleEngine engine(boolean html) {
        PebbleEngine.Builder builder = new PebbleEngine.Builder()
                .loader(loader)
                .strictVariables(true)
                .methodAccessValidator(NO_METHODS)
                .autoEscaping(html)
                .defaultLocale(Locale.ENGLISH)
                // Pebble drops the newline after a tag that ends a line; a text email is laid out by its lines.
                .newLineTrimming(false)
                .maxRenderedSize(settings.maxRenderedChars())
                // Postdate caches compiled versions itself, keyed by tenant, name and version.
                .cacheActive(false)
                .registerExtensionCustomizer(new DisallowExtensionCustomizerBuilder()
                        .disallowedTokenParserTags(DISALLOWED_TAGS)
                        .disallowedFunctionKeys(DISALLOWED_FUNCTIONS)
                        .disallowedBinaryOperatorSymbols(DISALLOWED_BINARY_OPERATORS)
                        .build())
                // A user extension's tag replaces the core one of the same name.
                .extension(new AbstractExtension() {
                    @Override
                    public List<TokenParser> getTokenParsers() {
                        return List.of(new BudgetedForTokenParser(), new BudgetedSetTokenParser());
                    }
                });
        if (html) {
            builder.defaultEscapingStrategy("html");
        }
        return builder.build();
    }

    /**
     * Everything wrong with a template's sources, empty when it may be saved: subject required and on
     * one line, html or text present, the size limit, and each part compiling in the sandbox.
     */
    public List<TemplateProblem> check(@Nullable String subject, @Nullable String html, @Nullable String text) {
        List<TemplateProblem> problems = new ArrayList<>();
        if (subject == null || subject.isBlank()) {
            problems.add(new TemplateProblem("subject", null, "required"));
        } else if (hasLineBreak(subject)) {
            problems.add(new TemplateProblem("subject", null, "must be one line: no CR, LF or NUL"));
        }
        if (isAbsent(html) && isAbsent(text)) {
            problems.add(new TemplateProblem("", null, "needs html or text"));
        }
        long bytes = utf8(subject) + utf8(html) + utf8(text);
        if (bytes > settings.maxTemplateBytes()) {
            problems.add(new TemplateProblem("", null, "subject + html + text is " + bytes
                    + " bytes, more than " + settings.maxTemplateBytes()));
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        compileProblem("subject", subject, plainEngine, problems);
        if (!isAbsent(html)) {
            compileProblem("html", html, htmlEngine, problems);
        }
        if (!isAbsent(text)) {
            compileProblem("text", text, plainEngine, problems);
        }
        return problems;
    }

    /** @throws InvalidTemplateException when a stored version does not compile (it did at save time) */
    public CompiledTemplate compile(TemplateVersion version) {
        List<TemplateProblem> problems = new ArrayList<>();
        CompiledTemplate.Part subject = part("subject", version.subject(), plainEngine, problems);
        CompiledTemplate.Part html = isAbsent(version.html()) ? null : part("html", version.html(), htmlEngine, problems);
        CompiledTemplate.Part text = isAbsent(version.text()) ? null : part("text", version.text(), plainEngine, problems);
        if (!problems.isEmpty()) {
            throw new InvalidTemplateException(problems);
        }
        return new CompiledTemplate(version.label(), subject, html, text);
    }

    private CompiledTemplate.Part part(String name, String source, PebbleEngine engine, List<TemplateProblem> problems) {
        return new CompiledTemplate.Part(name, compileProblem(name, source, engine, problems), source.length());
    }

    /**
     * Renders every part with the data, all parts under one {@link RenderBudget}.
     *
     * @throws RenderException naming the template, the part, the variable and the line; a
     *                         {@link RenderBudgetExceededException} when the budget stopped the render
     */
    public RenderedEmail render(CompiledTemplate template, @Nullable Map<String, Object> data) {
        dataLimits.check(data).ifPresent(violation -> {
            throw new RenderException(template.label() + ": " + violation.reason()
                    + (violation.path().equals("data") ? "" : " (at " + violation.path() + ")"), null);
        });
        Map<String, Object> context = data == null ? Map.of() : data;
        return new RenderBudget(settings, clock).during(() -> {
            String subject = renderPart(template, template.subject(), context);
            if (hasLineBreak(subject)) {
                throw new RenderException(template.label() + ": the rendered subject contains a line break", null);
            }
            return new RenderedEmail(subject,
                    template.html() == null ? null : renderPart(template, template.html(), context),
                    template.text() == null ? null : renderPart(template, template.text(), context));
        });
    }

    private static String renderPart(CompiledTemplate template, CompiledTemplate.Part part, Map<String, Object> context) {
        StringWriter out = new StringWriter(part.sourceChars());
        try {
            part.template().evaluate(out, context);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            String where = template.label() + " " + part.name();
            RenderBudgetExceededException stop = budgetStop(e);
            if (stop != null) {
                throw stop.in(where);
            }
            if (e instanceof PebbleException pebble) {
                throw new RenderException(where + ": " + describe(pebble), e);
            }
            // Filters may fail on data of the wrong kind; the exception's text may hold data: not echoed.
            throw new RenderException(where + ": rendering failed (" + e.getClass().getSimpleName() + ")", e);
        }
        return out.toString();
    }

    /** The budget's stop, also when Pebble wrapped it on its way out; null for any other failure. */
    private static RenderBudgetExceededException budgetStop(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RenderBudgetExceededException stop) {
                return stop;
            }
        }
        return null;
    }

    private PebbleTemplate compileProblem(String part, String source, PebbleEngine engine, List<TemplateProblem> problems) {
        try {
            return loader.withSource(source, engine::getTemplate);
        } catch (PebbleException e) {
            problems.add(new TemplateProblem(part, e.getLineNumber(), reason(e)));
        } catch (RuntimeException | StackOverflowError e) {
            problems.add(new TemplateProblem(part, null, "does not compile (" + e.getClass().getSimpleName() + ")"));
        }
        return null;
    }

    /** What a client reads about a render failure, e.g. {@code variable 'first_name' is missing (line 2)}. */
    static String describe(PebbleException e) {
        String line = e.getLineNumber() == null ? "" : " (line " + e.getLineNumber() + ")";
        if (e instanceof RootAttributeNotFoundException missing) {
            return "variable '" + missing.getAttributeName() + "' is missing" + line;
        }
        if (e instanceof AttributeNotFoundException missing) {
            return "attribute '" + missing.getAttributeName() + "' is missing" + line;
        }
        if (e instanceof ClassAccessException) {
            return "method calls are not allowed in templates" + line;
        }
        return reason(e) + line;
    }

    /** Pebble's message without the random file name it carries. */
    private static String reason(PebbleException e) {
        String message = e.getPebbleMessage();
        if (message == null || message.isBlank()) {
            return "invalid template";
        }
        message = message.replaceAll("own-[0-9a-f-]{36}", "template");
        if (message.contains("Unexpected tag name") || message.contains("unexpected tag")) {
            return message + " (include, import, from, extends, embed, cache, parallel, macro and block are not allowed)";
        }
        return message;
    }

    private static boolean hasLineBreak(String value) {
        return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0;
    }

    private static boolean isAbsent(@Nullable String value) {
        return value == null || value.isEmpty();
    }

    private static long utf8(@Nullable String value) {
        return value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
    }
}
