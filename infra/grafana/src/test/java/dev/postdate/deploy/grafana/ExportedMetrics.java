package dev.postdate.deploy.grafana;

import dev.postdate.api.ApiMetrics;
import dev.postdate.api.contacts.imports.ImportMeters;
import dev.postdate.core.sqs.dlq.DeadLetterGauge;
import dev.postdate.core.sqs.dlq.DeadLetterQueue;
import dev.postdate.expander.ExpanderMetrics;
import dev.postdate.feedback.FeedbackMeters;
import dev.postdate.ingest.IngestMeters;
import dev.postdate.ranger.DueSoon;
import dev.postdate.ranger.DueSoonSettings;
import dev.postdate.ranger.RangerMetrics;
import dev.postdate.tracker.TrackerMeters;
import dev.postdate.worker.WorkerMeters;
import dev.postdate.worker.WorkerSettings;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.configuration.metrics.binder.jvm.JvmMeterRegistryBinderFactory;
import io.micronaut.configuration.metrics.binder.system.SystemMeterRegistryBinderFactoryFactory;
import io.micronaut.configuration.metrics.binder.web.WebMetricsPublisher;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import io.micronaut.context.env.yaml.YamlPropertySourceLoader;
import io.micronaut.core.naming.NameUtils;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The metrics Postdate's components expose, taken from a scrape of their real meter classes
 * registered in a {@link PrometheusMeterRegistry}.
 *
 * <p>Why construct the classes rather than keep a list of names: a list drifts from the code, and
 * writing Prometheus names by hand (a counter's {@code _total}, a timer's {@code _seconds}, the
 * {@code _bucket} series that only a percentile histogram has, a summary's {@code quantile} series)
 * is the very mistake the check is there to catch; the registry derives them as the components'
 * registries do. The meter classes need no server: what they would ask ClickHouse, Redis or SQS is
 * asked later, by code this never runs, so those collaborators are null here, and settings records
 * are bound from the component's own application.yml. A meter registered outside the classes below
 * would be missed; {@link MeterSources} catches that, from the main sources.
 *
 * <p>Not from Postdate's classes: the JVM and system meters and {@code http.server.requests}, which
 * Micronaut registers. The JVM and system ones come from Micronaut's own binder factories, enabled
 * by default in every component. {@code http.server.requests} is recorded by Micronaut's server
 * filter, which needs a running server; it is registered here as the timer it is, under Micronaut's
 * constant, without the histogram Micronaut publishes only when
 * {@code micronaut.metrics.binders.web.server.histogram} is set (no component sets it).
 */
final class ExportedMetrics {

    /** Series Prometheus writes for every target itself: no component exports them. */
    static final Set<String> PROMETHEUS_SERIES = Set.of("up");

    private final Set<String> meterNames;
    private final Set<String> prometheusNames;

    private ExportedMetrics(Set<String> meterNames, Set<String> prometheusNames) {
        this.meterNames = meterNames;
        this.prometheusNames = prometheusNames;
    }

    static ExportedMetrics register() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Clock clock = Clock.systemUTC();

        ApiMetrics api = new ApiMetrics(registry);
        // The api registers these counters on first use, with the tag of that use.
        api.accepted(1);
        api.rejected("validation");
        api.inDoubtResolved("sent");
        ImportMeters.register(registry);
        Timer.builder(WebMetricsPublisher.METRIC_HTTP_SERVER_REQUESTS).register(registry);

        IngestMeters.register(registry);
        // The ingest consumer gauges intake's, the worker ranges' (postdate.dlq.gauge-queue); nothing
        // gauges the feedback and tracking DLQs, whose depth CloudWatch has.
        for (DeadLetterQueue queue : List.of(DeadLetterQueue.INTAKE, DeadLetterQueue.RANGES)) {
            // SQS is asked only by the scheduled read, never here.
            new DeadLetterGauge(null, registry, queue.wireName());
        }

        new RangerMetrics(registry, clock);
        new DueSoon(null, fromApplicationYml(DueSoonSettings.class, "postdate.ranger.due-soon", Map.of()), clock,
                registry);
        WorkerMeters.register(registry,
                fromApplicationYml(WorkerSettings.class, "postdate.worker", Map.of("sender", "blackhole")));
        new ExpanderMetrics(registry);
        FeedbackMeters.register(registry);
        TrackerMeters.register(registry);

        JvmMeterRegistryBinderFactory jvm = new JvmMeterRegistryBinderFactory();
        SystemMeterRegistryBinderFactoryFactory system = new SystemMeterRegistryBinderFactoryFactory();
        try (JvmGcMetrics gc = jvm.jvmGcMetrics()) {
            for (MeterBinder binder : List.of(gc, jvm.jvmMemoryMetrics(), jvm.jvmThreadMetrics(),
                    jvm.classLoaderMetrics(), system.uptimeMetrics(), system.processorMetrics(),
                    system.fileDescriptorMetrics())) {
                binder.bindTo(registry);
            }
            awaitGcPause(registry);
            Set<String> meterNames = registry.getMeters().stream().map(Meter::getId).map(Meter.Id::getName)
                    .collect(Collectors.toCollection(TreeSet::new));
            return new ExportedMetrics(meterNames, scrapedNames(registry.scrape()));
        }
    }

    /** Micrometer's dotted names, as the code registers them. */
    Set<String> meterNames() {
        return meterNames;
    }

    /** The names of the series /prometheus serves, suffixes included. */
    Set<String> prometheusNames() {
        return prometheusNames;
    }

    /** In the text format, every line that is not a comment starts with its series name. */
    static Set<String> scrapedNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int end = 0;
                while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                    end++;
                }
                names.add(line.substring(0, end));
            }
        }
        return names;
    }

    /** jvm.gc.pause is registered on the first GC notification after binding, not when bound. */
    private static void awaitGcPause(PrometheusMeterRegistry registry) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (registry.find("jvm.gc.pause").timer() == null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(100);
        }
    }

    /**
     * A component's settings record as the component's own application.yml sets it, so that no default
     * (nor the checks its constructor makes on them) is restated here. Every component jar has an
     * application.yml at its root: the one read is beside the record's class.
     */
    private static <R extends Record> R fromApplicationYml(Class<R> type, String prefix, Map<String, Object> overrides)
            throws ReflectiveOperationException, IOException {
        URL component = type.getProtectionDomain().getCodeSource().getLocation();
        Map<String, Object> properties;
        try (URLClassLoader loader = new URLClassLoader(new URL[]{component}, null);
             InputStream yml = loader.getResourceAsStream("application.yml")) {
            if (yml == null) {
                throw new IllegalStateException("no application.yml in " + component);
            }
            properties = new HashMap<>(new YamlPropertySourceLoader().read(type.getSimpleName(), yml));
        }
        overrides.forEach((key, value) -> properties.put(prefix + "." + key, value));
        PropertySourcePropertyResolver resolver = new PropertySourcePropertyResolver(
                PropertySource.of(type.getName(), properties));
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            String key = prefix + "." + NameUtils.hyphenate(components[i].getName());
            types[i] = components[i].getType();
            values[i] = resolver.getProperty(key, types[i])
                    .orElseThrow(() -> new IllegalStateException(key + " is not set in " + component));
        }
        return type.getDeclaredConstructor(types).newInstance(values);
    }
}
