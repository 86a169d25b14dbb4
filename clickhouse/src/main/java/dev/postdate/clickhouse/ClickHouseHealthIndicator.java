package dev.postdate.clickhouse;

import dev.postdate.clickhouse.migrations.SchemaOnStart;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

import java.util.Map;

/** UP when ClickHouse answers and the schema this build needs is in place. */
@Singleton
public class ClickHouseHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

    private final ClickHouseSql sql;
    private final SchemaOnStart schema;

    public ClickHouseHealthIndicator(ClickHouseSql sql, SchemaOnStart schema) {
        this.sql = sql;
        this.schema = schema;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        try {
            String version = sql.select("SELECT version()").getFirst().getFirst();
            boolean current = schema.isCurrent();
            healthStatus = current ? HealthStatus.UP : HealthStatus.DOWN;
            return Map.of("version", version, "database", sql.database(), "schemaCurrent", current);
        } catch (RuntimeException e) {
            healthStatus = HealthStatus.DOWN;
            return Map.of("error", String.valueOf(e.getMessage()));
        }
    }

    @Override
    protected String getName() {
        return "clickhouse";
    }
}
