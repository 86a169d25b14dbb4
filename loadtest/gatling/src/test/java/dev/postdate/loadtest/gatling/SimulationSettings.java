package dev.postdate.loadtest.gatling;

/** A simulation's setting: the system property, else the environment variable, else the default. */
final class SimulationSettings {

    private SimulationSettings() {
    }

    /** @param fallback null: the setting is required */
    static String setting(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        if (value == null || value.isBlank()) {
            if (fallback == null) {
                throw new IllegalStateException("set -D" + property + " or " + env);
            }
            return fallback;
        }
        return value;
    }
}
