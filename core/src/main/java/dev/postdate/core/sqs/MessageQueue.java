package dev.postdate.core.sqs;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A queue a consumer works message by message: long polls that hide what they receive for the
 * visibility timeout, a delete once a message is done, and visibility changes to hand one back or
 * keep it hidden. Consumers of one queue extend it with what else they do there.
 */
public class MessageQueue {

    /** SQS's longest visibility timeout. */
    private static final long MAX_VISIBILITY_SECONDS = 12 * 3600;

    private final SqsAsyncClient sqs;
    private final QueueUrls queueUrls;
    private final String name;
    private final Duration receiveWait;
    private final Duration visibilityTimeout;

    protected MessageQueue(SqsAsyncClient sqs, QueueUrls queueUrls, String name, Duration receiveWait,
                           Duration visibilityTimeout) {
        this.sqs = sqs;
        this.queueUrls = queueUrls;
        this.name = name;
        this.receiveWait = receiveWait;
        this.visibilityTimeout = visibilityTimeout;
    }

    /** One long poll for at most {@code max} messages (SQS gives at most 10); cancellable on shutdown. */
    public CompletableFuture<List<Message>> receive(int max) {
        return sqs.receiveMessage(r -> r.queueUrl(url())
                        .maxNumberOfMessages(Math.min(10, max))
                        .waitTimeSeconds(Math.toIntExact(receiveWait.toSeconds()))
                        .visibilityTimeout(Math.toIntExact(visibilityTimeout.toSeconds()))
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                .thenApply(response -> response.messages());
    }

    public void delete(Message message) {
        sqs.deleteMessage(r -> r.queueUrl(url()).receiptHandle(message.receiptHandle())).join();
    }

    /** Hides the message for {@code timeout} more; zero hands it back at once. */
    public void changeVisibility(Message message, Duration timeout) {
        int seconds = Math.toIntExact(Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, timeout.toSeconds())));
        sqs.changeMessageVisibility(r -> r.queueUrl(url()).receiptHandle(message.receiptHandle())
                .visibilityTimeout(seconds)).join();
    }

    /** How often SQS has handed the message out, this time included. */
    public static int receiveCount(Message message) {
        String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        return count == null ? 1 : Integer.parseInt(count);
    }

    protected SqsAsyncClient sqs() {
        return sqs;
    }

    protected String url() {
        return queueUrls.urlOf(name);
    }
}
