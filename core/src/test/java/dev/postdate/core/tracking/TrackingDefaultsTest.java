package dev.postdate.core.tracking;

import dev.postdate.core.email.Tracking;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tenant defaults read as operators write them: flat environment-style keys and nested YAML maps. */
class TrackingDefaultsTest {

    @Test
    void flatKeysSetATenantsSwitches() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                "postdate.tracking.opens", "true", "postdate.tracking.clicks", "true", "postdate.tracking.anonymous", "false",
                "postdate.tracking.unsubscribe", "false", "postdate.tracking.text-clicks", "false",
                "postdate.tracking.tenants.quiet.opens", "false"))) {
            TrackingDefaults defaults = context.getBean(TrackingDefaults.class);
            assertEquals(new Tracking(false, true, false, false), defaults.of("quiet", null));
            assertEquals(new Tracking(true, true, false, false), defaults.of("other", null));
            assertEquals(new Tracking(true, true, false, false), defaults.of("quiet", new Tracking(true, null, null, null)));
        }
    }

    @Test
    void nestedYamlMapsSetATenantsSwitches() {
        try (ApplicationContext context = ApplicationContext.builder().propertySources(PropertySource.of("yaml",
                Map.of("postdate", Map.of("tracking", Map.of("opens", false, "clicks", true, "anonymous", false, "unsubscribe", false,
                        "text-clicks", false,
                        "tenants", Map.of("anon", Map.of("anonymous", true), "quiet", Map.of("clicks", false)))))))
                .start()) {
            TrackingDefaults defaults = context.getBean(TrackingDefaults.class);
            assertEquals(new Tracking(false, true, true, false), defaults.of("anon", null));
            assertEquals(new Tracking(false, false, false, false), defaults.of("quiet", null));
        }
    }

    @Test
    void aSwitchWithoutTenantIsRefused() {
        try (ApplicationContext context = ApplicationContext.run(Map.of("postdate.tracking.opens", "true",
                "postdate.tracking.clicks", "true", "postdate.tracking.anonymous", "false", "postdate.tracking.unsubscribe", "false",
                "postdate.tracking.text-clicks", "false", "postdate.tracking.tenants.opens", "false"))) {
            RuntimeException refused = assertThrows(RuntimeException.class, () -> context.getBean(TrackingDefaults.class));
            assertTrue(String.valueOf(refused.getMessage()).contains("expected <tenant>.<switch>"), refused.getMessage());
        }
    }
}
