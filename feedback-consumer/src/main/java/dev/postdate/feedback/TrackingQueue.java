package dev.postdate.feedback;

import dev.postdate.core.sqs.MessageQueue;
import dev.postdate.core.sqs.QueueUrls;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** The tracker's queue of opens, clicks and unsubscribes; what keeps failing reaches its -dlq by redrive. */
@Singleton
public class TrackingQueue extends MessageQueue {

    public TrackingQueue(SqsAsyncClient sqs, QueueUrls queueUrls, FeedbackSettings settings) {
        super(sqs, queueUrls, settings.trackingQueue(), settings.receiveWait(), settings.visibilityTimeout());
    }
}
