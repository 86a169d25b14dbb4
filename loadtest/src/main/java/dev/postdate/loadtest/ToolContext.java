package dev.postdate.loadtest;

import io.micronaut.context.ApplicationContext;

import java.util.HashMap;
import java.util.Map;

/**
 * The application context of a benchmark, demo or command-line client: Postdate's beans for ClickHouse,
 * Redis and SQS, without the background work of a server. Micronaut's health monitor would otherwise
 * build the Redis and SQS clients and probe them on a timer, taking CPU from the very system being
 * measured; and the ranger and expander modules on the class path would start a ranger competing for
 * leadership and an expander working on campaigns.
 */
public final class ToolContext {

    private ToolContext() {
    }

    public static ApplicationContext run(Map<String, ?> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.put("micronaut.health.monitor.enabled", false);
        all.putIfAbsent("postdate.ranger.enabled", false);
        all.putIfAbsent("postdate.expander.enabled", false);
        return ApplicationContext.run(all);
    }
}
