package dev.postdate.tracker;

import io.micronaut.runtime.Micronaut;

/** Starts the tracker: click redirects, the open pixel and one-click unsubscribe (docs/tracking.md). */
public final class TrackerApplication {

    private TrackerApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(TrackerApplication.class).start();
    }
}
