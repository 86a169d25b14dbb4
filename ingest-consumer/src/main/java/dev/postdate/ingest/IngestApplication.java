package dev.postdate.ingest;

import io.micronaut.runtime.Micronaut;

/** Starts the ingest consumer process. */
public final class IngestApplication {

    private IngestApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(IngestApplication.class).start();
    }
}
