package dev.postdate.worker;

import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What becomes of an in-doubt email, per tenant: {@code postdate.worker.in-doubt-policy-tenants.<tenant>}
 * ({@code skip} or {@code resend}), else {@code postdate.worker.in-doubt-policy}.
 */
@Singleton
public class InDoubtPolicies {

    private final WorkerSettings.InDoubtPolicy fallback;
    private final Map<String, WorkerSettings.InDoubtPolicy> tenants;

    public InDoubtPolicies(WorkerSettings settings, Environment environment) {
        this.fallback = settings.inDoubtPolicy();
        Map<String, WorkerSettings.InDoubtPolicy> found = new HashMap<>();
        environment.getProperties("postdate.worker.in-doubt-policy-tenants", StringConvention.RAW).forEach(
                (tenant, value) -> found.put(tenant,
                        WorkerSettings.InDoubtPolicy.valueOf(String.valueOf(value).toUpperCase(Locale.ROOT))));
        this.tenants = Map.copyOf(found);
    }

    public boolean resends(String tenant) {
        return tenants.getOrDefault(tenant, fallback) == WorkerSettings.InDoubtPolicy.RESEND;
    }
}
