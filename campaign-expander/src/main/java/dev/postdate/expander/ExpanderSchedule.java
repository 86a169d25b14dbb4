package dev.postdate.expander;

import dev.postdate.clickhouse.migrations.SchemaOnStart;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a round every {@code postdate.expander.interval} once the schema is current; off with {@code postdate.expander.enabled=false}. */
@Singleton
@Requires(property = "postdate.expander.enabled", notEquals = "false")
public class ExpanderSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(ExpanderSchedule.class);

    private final ExpanderLoop loop;
    private final SchemaOnStart schema;
    private final ExpanderMetrics metrics;
    private final ExpanderSettings settings;

    public ExpanderSchedule(ExpanderLoop loop, SchemaOnStart schema, ExpanderMetrics metrics, ExpanderSettings settings) {
        this.loop = loop;
        this.schema = schema;
        this.metrics = metrics;
        this.settings = settings;
    }

    @Scheduled(fixedDelay = "${postdate.expander.interval}")
    void tick() {
        if (!schema.isCurrent()) {
            return;
        }
        try {
            loop.round();
        } catch (RuntimeException e) {
            metrics.failed();
            LOG.warn("Looking for due campaign occurrences failed, trying again in {}: {}", settings.interval(),
                    e.getMessage());
        }
    }
}
