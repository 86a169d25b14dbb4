package dev.postdate.ranger;

import dev.postdate.clickhouse.migrations.SchemaOnStart;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the emails due soon every {@code postdate.ranger.due-soon.interval} once the schema is current,
 * on every ranger (leader or standby: the count does not depend on the lease, and a scaler takes the
 * maximum).
 */
@Singleton
@Requires(property = "postdate.ranger.enabled", notEquals = "false")
public class DueSoonSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(DueSoonSchedule.class);

    private final DueSoon dueSoon;
    private final SchemaOnStart schema;

    public DueSoonSchedule(DueSoon dueSoon, SchemaOnStart schema) {
        this.dueSoon = dueSoon;
        this.schema = schema;
    }

    @Scheduled(fixedDelay = "${postdate.ranger.due-soon.interval}")
    void count() {
        if (!schema.isCurrent()) {
            return;
        }
        try {
            dueSoon.refresh();
        } catch (RuntimeException e) {
            LOG.warn("Counting the emails due soon failed; the gauge keeps its last count: {}", e.getMessage());
        }
    }
}
