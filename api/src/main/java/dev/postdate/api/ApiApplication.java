package dev.postdate.api;

import io.micronaut.runtime.Micronaut;

/** Starts the REST API process. */
public final class ApiApplication {

    private ApiApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(ApiApplication.class).start();
    }
}
