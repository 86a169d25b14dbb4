package dev.postdate.worker;

import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The worker's SQS operations on the ranges queue and its dead-letter queue. */
@Singleton
public class RangeQueue {

    static final String REASON_ATTRIBUTE = "postdate-reason";
    static final String ORIGINAL_ID_ATTRIBUTE = "postdate-original-message-id";
    private static final int MAX_REASON_CHARS = 1_000;
    /** SQS's longest visibility timeout. */
    private static final long MAX_VISIBILITY_SECONDS = 12 * 3600;

    private final SqsAsyncClient sqs;
    private final QueueUrls queueUrls;
    private final String rangesQueue;
    private final String deadLetterQueue;
    private final WorkerSettings settings;

    public RangeQueue(SqsAsyncClient sqs, QueueUrls queueUrls, SqsSettings sqsSettings, WorkerSettings settings,
                      @Value("${postdate.sqs.ranges-dead-letter-queue:}") String deadLetterQueue) {
        this.sqs = sqs;
        this.queueUrls = queueUrls;
        this.rangesQueue = sqsSettings.rangesQueue();
        this.deadLetterQueue = deadLetterQueue == null || deadLetterQueue.isBlank()
                ? sqsSettings.rangesQueue() + "-dlq" : deadLetterQueue;
        this.settings = settings;
    }

    /** One long poll for at most {@code max} ranges; cancellable on shutdown. */
    CompletableFuture<List<Message>> receive(int max) {
        return sqs.receiveMessage(r -> r.queueUrl(url())
                        .maxNumberOfMessages(Math.min(10, max))
                        .waitTimeSeconds(Math.toIntExact(settings.receiveWait().toSeconds()))
                        .visibilityTimeout(Math.toIntExact(settings.visibilityTimeout().toSeconds()))
                        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                .thenApply(response -> response.messages());
    }

    void delete(Message message) {
        sqs.deleteMessage(r -> r.queueUrl(url()).receiptHandle(message.receiptHandle())).join();
    }

    /** Hides the message for {@code timeout} more; zero hands it back at once. */
    void changeVisibility(Message message, Duration timeout) {
        int seconds = Math.toIntExact(Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, timeout.toSeconds())));
        sqs.changeMessageVisibility(r -> r.queueUrl(url()).receiptHandle(message.receiptHandle())
                .visibilityTimeout(seconds)).join();
    }

    /**
     * Puts the same range on the queue again, visible after {@code delay}: for a range that waits
     * for a paused batch, so that waiting does not count as failed receives toward the DLQ.
     */
    void requeue(Message message, Duration delay) {
        int seconds = Math.toIntExact(Math.min(900, Math.max(0, delay.toSeconds())));
        sqs.sendMessage(r -> r.queueUrl(url()).messageBody(message.body()).delaySeconds(seconds)).join();
    }

    /** Send first, then delete: a crash in between leaves a copy in both queues, never in none. */
    void deadLetter(Message message, String reason) {
        String shortReason = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
        sqs.sendMessage(r -> r.queueUrl(queueUrls.urlOf(deadLetterQueue)).messageBody(message.body())
                .messageAttributes(Map.of(
                        REASON_ATTRIBUTE, attribute(shortReason),
                        ORIGINAL_ID_ATTRIBUTE, attribute(message.messageId())))).join();
        delete(message);
    }

    static int receiveCount(Message message) {
        String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        return count == null ? 1 : Integer.parseInt(count);
    }

    private static MessageAttributeValue attribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private String url() {
        return queueUrls.urlOf(rangesQueue);
    }
}
