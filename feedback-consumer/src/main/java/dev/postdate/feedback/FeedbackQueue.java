package dev.postdate.feedback;

import dev.postdate.core.sqs.MessageQueue;
import dev.postdate.core.sqs.QueueUrls;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The feedback queue. Nothing is dead-lettered by hand: a notification that keeps failing reaches the
 * queue's -dlq through its redrive policy (maximum receives).
 */
@Singleton
public class FeedbackQueue extends MessageQueue {

    public FeedbackQueue(SqsAsyncClient sqs, QueueUrls queueUrls, FeedbackSettings settings) {
        super(sqs, queueUrls, settings.queue(), settings.receiveWait(), settings.visibilityTimeout());
    }
}
