package dev.postdate.worker;

import io.micronaut.runtime.Micronaut;

/** Starts the worker process. */
public final class WorkerApplication {

    private WorkerApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(WorkerApplication.class).start();
    }
}
