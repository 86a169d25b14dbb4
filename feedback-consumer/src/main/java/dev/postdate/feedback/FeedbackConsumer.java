package dev.postdate.feedback;

import dev.postdate.clickhouse.migrations.SchemaOnStart;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls both queues this role reads: the provider's notifications ({@link FeedbackHandler}) and the
 * tracker's opens, clicks and unsubscribes ({@link TrackingHandler}).
 */
@Singleton
public class FeedbackConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(FeedbackConsumer.class);

    private final FeedbackSettings settings;
    private final QueuePoller feedback;
    private final QueuePoller tracking;

    public FeedbackConsumer(FeedbackQueue feedbackQueue, FeedbackHandler feedbackHandler, TrackingQueue trackingQueue,
                            TrackingHandler trackingHandler, FeedbackSettings settings, SchemaOnStart schema) {
        this.settings = settings;
        this.feedback = new QueuePoller("feedback", feedbackQueue, feedbackHandler::handle, settings, schema);
        this.tracking = new QueuePoller("tracking", trackingQueue, trackingHandler::handle, settings, schema);
    }

    @EventListener
    void onStartup(StartupEvent event) {
        feedback.start(settings.concurrency());
        tracking.start(settings.trackingConcurrency());
        LOG.info("Consuming provider feedback from {} ({} polls at once) and tracking events from {} ({})",
                settings.queue(), settings.concurrency(), settings.trackingQueue(), settings.trackingConcurrency());
    }

    @EventListener
    void onShutdown(ShutdownEvent event) throws InterruptedException {
        feedback.stop();
        tracking.stop();
    }
}
