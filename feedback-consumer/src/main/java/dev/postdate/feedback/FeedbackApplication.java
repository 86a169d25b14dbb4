package dev.postdate.feedback;

import io.micronaut.runtime.Micronaut;

/** Starts the feedback consumer: the provider's bounces, complaints and deliveries (docs/tracking.md). */
public final class FeedbackApplication {

    private FeedbackApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(FeedbackApplication.class).start();
    }
}
