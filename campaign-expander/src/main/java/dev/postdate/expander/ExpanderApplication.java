package dev.postdate.expander;

import io.micronaut.runtime.Micronaut;

/** Starts the campaign expander: turns due campaign occurrences into scheduled emails (docs/campaigns.md). */
public final class ExpanderApplication {

    private ExpanderApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(ExpanderApplication.class).start();
    }
}
