package dev.postdate.loadtest;

import io.micronaut.context.ApplicationContext;

import java.util.HashMap;
import java.util.Map;

/**
 * The application context of a benchmark or demo client: Postdate's beans for ClickHouse, Redis and SQS,
 * without the background work of a server. Micronaut's health monitor would otherwise build the Redis
 * and SQS clients and probe them on a timer, taking CPU from the very system being measured.
 */
public final class ToolContext {

    private ToolContext() {
    }

    public static ApplicationContext run(Map<String, ?> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.put("micronaut.health.monitor.enabled", false);
        return ApplicationContext.run(all);
    }
}
