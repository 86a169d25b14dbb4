package dev.postdate.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A component's own configuration (its application.yml), flattened to dotted keys: what the chart must
 * agree with (ports, shutdown grace, the names of the settings its environment variables override).
 */
record ComponentConfig(String component, Map<String, String> settings) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

    static ComponentConfig of(String component) {
        try {
            JsonNode root = YAML.readTree(RenderedChart.REPOSITORY
                    .resolve(component).resolve("src/main/resources/application.yml").toFile());
            Map<String, String> settings = new LinkedHashMap<>();
            flatten("", root, settings);
            return new ComponentConfig(component, settings);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + component + "'s application.yml", e);
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into));
        } else {
            into.put(prefix, node.isArray() ? node.toString() : node.asText());
        }
    }

    int port() {
        return Integer.parseInt(settings.get("micronaut.server.port"));
    }

    int managementPort() {
        return Integer.parseInt(settings.get("endpoints.all.port"));
    }

    /** The longest shutdown grace it sets (a stop-grace of its own, or the HTTP server's grace-period). */
    Duration stopGrace() {
        return settings.entrySet().stream()
                .filter(e -> e.getKey().endsWith(".stop-grace") || e.getKey().endsWith("graceful-shutdown.grace-period"))
                .map(e -> duration(e.getValue()))
                .max(Duration::compareTo)
                .orElse(Duration.ZERO);
    }

    /** Whether Micronaut maps environment variable NAME onto one of its settings (POSTDATE_SQS_REGION). */
    boolean readsEnvironmentVariable(String name) {
        return settings.keySet().stream()
                .anyMatch(key -> key.toUpperCase().replace('.', '_').replace('-', '_').equals(name));
    }

    private static Duration duration(String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + value);
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }
}
