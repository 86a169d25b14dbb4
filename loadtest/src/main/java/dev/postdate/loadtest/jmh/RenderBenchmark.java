package dev.postdate.loadtest.jmh;

import dev.postdate.core.email.EmailContent;
import dev.postdate.core.template.CompiledTemplate;
import dev.postdate.core.template.PebbleTemplateRenderer;
import dev.postdate.core.template.RenderedEmail;
import dev.postdate.core.template.TemplateSandbox;
import dev.postdate.core.template.TemplateSettings;
import dev.postdate.core.template.TemplateSource;
import dev.postdate.core.template.TemplateVersion;
import io.micronaut.serde.ObjectMapper;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.StringLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The worker's per-email CPU cost for a template email: a ~2 KB HTML + text newsletter with eight
 * variables and a loop over three articles, rendered with each recipient's own data through
 * {@link PebbleTemplateRenderer} (compiled version cached, as in a worker after its first email).
 * {@code render} starts from decoded content; {@code decodeAndRender} starts from the stored JSON
 * payload, as {@code EmailSendFlow} does. Scores are emails per second on one thread.
 * <p>
 * The render budget's cost (docs/security.md): {@code newsletter} renders the newsletter through
 * {@link TemplateSandbox#render} (budget and data limits), {@code newsletterWithoutBudget} with a
 * plain Pebble engine set up like the sandbox but with Pebble's own {@code for} and {@code set} and
 * no data-limit walk; {@code loop} and {@code loopWithoutBudget} do the same for a text of 1,000
 * loop iterations over 1,000 data values, where a per-iteration or per-value cost would show.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RenderBenchmark {

    /** Distinct recipients cycled through, so no rendering sees the same data twice in a row. */
    private static final int RECIPIENTS = 1_000;
    private static final String TENANT = "acme";
    private static final String TEMPLATE = "newsletter";

    private static final String SUBJECT = "{{ first_name }}, your {{ month }} picks from {{ shop }}";

    private static final String HTML = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>{{ shop }} - {{ month }}</title>
              <style>
                body { margin: 0; padding: 0; background: #f4f4f7; font-family: Helvetica, Arial, sans-serif; }
                .wrap { max-width: 600px; margin: 0 auto; background: #ffffff; }
                .head { padding: 24px; background: #1d3557; color: #ffffff; font-size: 22px; }
                .item { padding: 16px 24px; border-bottom: 1px solid #e5e5e5; }
                .item h2 { margin: 0 0 6px 0; font-size: 18px; color: #1d3557; }
                .item p { margin: 0; font-size: 14px; line-height: 20px; color: #333333; }
                .foot { padding: 24px; font-size: 12px; color: #888888; }
                a.button { display: inline-block; padding: 8px 16px; background: #e63946; color: #ffffff; text-decoration: none; }
              </style>
            </head>
            <body>
            <table role="presentation" class="wrap" width="100%" cellpadding="0" cellspacing="0">
              <tr><td class="head">{{ shop }} &middot; {{ month }} selection</td></tr>
              <tr><td class="item">
                <p>Hello {{ first_name }},</p>
                <p>You have <strong>{{ points }}</strong> points on your {{ tier }} card.
                {% if tier == "gold" %}As a gold member you get free delivery on everything this month.{% else %}Collect 500 more to reach gold and free delivery.{% endif %}</p>
              </td></tr>
              {% for article in articles %}
              <tr><td class="item">
                <h2>{{ article.title }}</h2>
                <p>{{ article.summary }}</p>
                <p><strong>{{ article.price }}</strong> &nbsp; <a class="button" href="{{ article.url }}?r={{ recipient_id }}">See it</a></p>
              </td></tr>
              {% endfor %}
              <tr><td class="foot">
                You receive this newsletter because you joined {{ shop }} in {{ city }}.
                <a href="{{ unsubscribe_url }}">Unsubscribe</a> or change your preferences at any time.
                {{ shop }}, 12 Harbour Street, {{ city }}.
              </td></tr>
            </table>
            </body>
            </html>
            """;

    private static final String TEXT = """
            Hello {{ first_name }},

            You have {{ points }} points on your {{ tier }} card.
            {% if tier == "gold" %}As a gold member you get free delivery on everything this month.{% else %}Collect 500 more to reach gold and free delivery.{% endif %}

            Your {{ month }} selection:
            {% for article in articles %}
            * {{ article.title }} - {{ article.price }}
               {{ article.summary }}
               {{ article.url }}?r={{ recipient_id }}
            {% endfor %}

            You receive this newsletter because you joined {{ shop }} in {{ city }}.
            Unsubscribe: {{ unsubscribe_url }}
            """;

    private static final String[] FIRST_NAMES = {"Ada", "Grace", "Linus", "Margaret", "Alan", "Barbara", "Dennis"};
    private static final String[] CITIES = {"Lyon", "Leeds", "Porto", "Gent", "Bremen"};
    private static final String[][] ARTICLES = {
            {"Linen shirt", "Breathable, relaxed fit, in five colours for the last warm days.", "39.90"},
            {"Wool scarf", "Merino from a family mill, soft enough for every day of winter.", "29.00"},
            {"Leather boots", "Resoled by hand, waterproofed, made to last ten seasons or more.", "149.00"},
            {"Rain jacket", "Packs into its own pocket; taped seams keep a downpour out.", "89.50"},
            {"Canvas tote", "Heavy cotton canvas with an inside pocket for your keys.", "19.90"},
    };

    private static final String LOOP = "{% for item in items %}* {{ item.title }}: {{ item.price }}\n{% endfor %}";
    private static final int LOOP_ITEMS = 1_000;

    private ObjectMapper json;
    private PebbleTemplateRenderer renderer;
    private TemplateSandbox sandbox;
    private CompiledTemplate newsletterTemplate;
    private CompiledTemplate loopTemplate;
    private Map<String, Object> loopData;
    private PebbleTemplate[] plainNewsletter;
    private PebbleTemplate[] plainLoop;
    private List<String> payloads;
    private List<EmailContent> contents;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        // Not an ApplicationContext: on this class path one would also start the ranger's loop.
        json = ObjectMapper.getDefault();
        TemplateVersion version = new TemplateVersion(TENANT, TEMPLATE, 1, SUBJECT, HTML, TEXT,
                Instant.parse("2026-11-01T00:00:00Z"));
        TemplateSettings settings = TemplateSettings.defaults();
        sandbox = new TemplateSandbox(settings, Clock.systemUTC());
        renderer = new PebbleTemplateRenderer(new OneVersion(version), sandbox, settings);
        newsletterTemplate = sandbox.compile(version);
        loopTemplate = sandbox.compile(new TemplateVersion(TENANT, "loop", 1, "Items", null, LOOP, version.createdAt()));
        List<Map<String, Object>> items = new ArrayList<>(LOOP_ITEMS);
        for (int i = 0; i < LOOP_ITEMS; i++) {
            items.add(Map.of("title", ARTICLES[i % ARTICLES.length][0], "price", ARTICLES[i % ARTICLES.length][2]));
        }
        loopData = Map.of("items", items);
        PebbleEngine plainHtml = plainEngine(settings, true);
        PebbleEngine plainText = plainEngine(settings, false);
        plainNewsletter = new PebbleTemplate[]{plainText.getTemplate(SUBJECT), plainHtml.getTemplate(HTML), plainText.getTemplate(TEXT)};
        plainLoop = new PebbleTemplate[]{plainText.getTemplate("Items"), plainText.getTemplate(LOOP)};
        payloads = new ArrayList<>(RECIPIENTS);
        contents = new ArrayList<>(RECIPIENTS);
        for (int i = 0; i < RECIPIENTS; i++) {
            String payload = payload(i);
            payloads.add(payload);
            contents.add(json.readValue(payload, EmailContent.class));
        }
    }

    /** An email's content as the worker reads it from ClickHouse: JSON written by the api. */
    private static String payload(int i) {
        String name = FIRST_NAMES[i % FIRST_NAMES.length];
        StringBuilder articles = new StringBuilder();
        for (int a = 0; a < 3; a++) {
            String[] article = ARTICLES[(i + a) % ARTICLES.length];
            articles.append(a == 0 ? "" : ",").append("""
                    {"title":"%s","summary":"%s","price":"EUR %s","url":"https://shop.example/p/%d"}"""
                    .formatted(article[0], article[1], article[2], (i + a) % ARTICLES.length));
        }
        return """
                {"to":{"email":"customer%d@example.com","name":"%s"},"from":{"email":"news@shop.example","name":"Shop"},\
                "template":{"name":"%s","version":1},\
                "data":{"first_name":"%s","month":"November","shop":"Harbour & Co","points":%d,"tier":"%s",\
                "city":"%s","recipient_id":"r%08d","unsubscribe_url":"https://shop.example/u/%08d","articles":[%s]},\
                "headers":{"X-Campaign":"november"},"tags":["newsletter"]}"""
                .formatted(i, name, TEMPLATE, name, 100 + i * 37 % 2_000, i % 4 == 0 ? "gold" : "silver",
                        CITIES[i % CITIES.length], i, i, articles);
    }

    @Benchmark
    public RenderedEmail render() {
        next = (next + 1) % RECIPIENTS;
        return renderer.render(TENANT, contents.get(next));
    }

    @Benchmark
    public RenderedEmail decodeAndRender() throws IOException {
        next = (next + 1) % RECIPIENTS;
        return renderer.render(TENANT, json.readValue(payloads.get(next), EmailContent.class));
    }

    @Benchmark
    public RenderedEmail newsletter() {
        next = (next + 1) % RECIPIENTS;
        return sandbox.render(newsletterTemplate, contents.get(next).data());
    }

    @Benchmark
    public String[] newsletterWithoutBudget() throws IOException {
        next = (next + 1) % RECIPIENTS;
        return plain(plainNewsletter, contents.get(next).data());
    }

    @Benchmark
    public RenderedEmail loop() {
        return sandbox.render(loopTemplate, loopData);
    }

    @Benchmark
    public String[] loopWithoutBudget() throws IOException {
        return plain(plainLoop, loopData);
    }

    /** The sandbox's engine settings on Pebble's own {@code for}: what rendering cost before the budget. */
    private static PebbleEngine plainEngine(TemplateSettings settings, boolean html) {
        PebbleEngine.Builder builder = new PebbleEngine.Builder()
                .loader(new StringLoader())
                .strictVariables(true)
                .methodAccessValidator((object, method) -> false)
                .autoEscaping(html)
                .defaultLocale(Locale.ENGLISH)
                .newLineTrimming(false)
                .maxRenderedSize(settings.maxRenderedChars())
                .cacheActive(false);
        if (html) {
            builder.defaultEscapingStrategy("html");
        }
        return builder.build();
    }

    /** Each part into its own writer, as the sandbox does. */
    private static String[] plain(PebbleTemplate[] parts, Map<String, Object> data) throws IOException {
        String[] rendered = new String[parts.length];
        for (int i = 0; i < parts.length; i++) {
            StringWriter out = new StringWriter();
            parts[i].evaluate(out, data);
            rendered[i] = out.toString();
        }
        return rendered;
    }

    /** The template store reduced to the one version every email refers to. */
    private record OneVersion(TemplateVersion version) implements TemplateSource {

        @Override
        public Optional<TemplateVersion> find(String tenant, String name, int number) {
            return latest(tenant, name).filter(found -> found.version() == number);
        }

        @Override
        public Optional<TemplateVersion> latest(String tenant, String name) {
            return tenant.equals(version.tenant()) && name.equals(version.name()) ? Optional.of(version) : Optional.empty();
        }
    }
}
