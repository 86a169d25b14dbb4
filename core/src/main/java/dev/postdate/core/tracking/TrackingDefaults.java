package dev.postdate.core.tracking;

import dev.postdate.core.email.Tracking;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The switches an email falls back to: {@code postdate.tracking.tenants.<tenant>.<switch>} where set,
 * else the deployment's {@link TrackingSettings}.
 */
@Singleton
public class TrackingDefaults {

    private final Tracking deployment;
    private final Map<String, Tracking> tenants;

    public TrackingDefaults(TrackingSettings settings, Environment environment) {
        this.deployment = new Tracking(settings.opens(), settings.clicks(), settings.anonymous(), settings.unsubscribe());
        Map<String, Map<String, Boolean>> found = new HashMap<>();
        // Flattened whichever way the operator wrote them: environment keys or nested YAML maps.
        environment.getProperties("postdate.tracking.tenants").forEach((key, value) -> {
            int dot = key.lastIndexOf('.');
            if (dot <= 0) {
                throw new IllegalArgumentException("postdate.tracking.tenants." + key + ": expected <tenant>.<switch>");
            }
            found.computeIfAbsent(key.substring(0, dot), t -> new HashMap<>())
                    .put(key.substring(dot + 1).toLowerCase(Locale.ROOT), Boolean.parseBoolean(String.valueOf(value)));
        });
        Map<String, Tracking> byTenant = new HashMap<>();
        found.forEach((tenant, switches) -> byTenant.put(tenant, new Tracking(switches.get("opens"),
                switches.get("clicks"), switches.get("anonymous"), switches.get("unsubscribe")).over(deployment)));
        this.tenants = Map.copyOf(byTenant);
    }

    /** Every switch decided: the email's, else the campaign's (already merged into it), else the tenant's. */
    public Tracking of(String tenant, Tracking email) {
        Tracking fallback = tenants.getOrDefault(tenant, deployment);
        return email == null ? fallback : email.over(fallback);
    }
}
