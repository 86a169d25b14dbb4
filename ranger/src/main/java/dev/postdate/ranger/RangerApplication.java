package dev.postdate.ranger;

import io.micronaut.runtime.Micronaut;

/** Starts the ranger process. */
public final class RangerApplication {

    private RangerApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(RangerApplication.class).start();
    }
}
