package dev.postdate.janitor;

import io.micronaut.runtime.Micronaut;

/** Starts the janitor process: periodic housekeeping of stored data (payload retention). */
public final class JanitorApplication {

    private JanitorApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(JanitorApplication.class).start();
    }
}
