package dev.postdate.worker;

import dev.postdate.core.sqs.MessageQueue;
import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.time.Duration;
import java.util.Map;

/** The worker's SQS operations on the ranges queue and its dead-letter queue. */
@Singleton
public class RangeQueue extends MessageQueue {

    static final String REASON_ATTRIBUTE = "postdate-reason";
    static final String ORIGINAL_ID_ATTRIBUTE = "postdate-original-message-id";
    private static final int MAX_REASON_CHARS = 1_000;

    private final QueueUrls queueUrls;
    private final String deadLetterQueue;

    public RangeQueue(SqsAsyncClient sqs, QueueUrls queueUrls, SqsSettings sqsSettings, WorkerSettings settings,
                      @Value("${postdate.sqs.ranges-dead-letter-queue:}") String deadLetterQueue) {
        super(sqs, queueUrls, sqsSettings.rangesQueue(), settings.receiveWait(), settings.visibilityTimeout());
        this.queueUrls = queueUrls;
        this.deadLetterQueue = deadLetterQueue == null || deadLetterQueue.isBlank()
                ? sqsSettings.rangesQueue() + "-dlq" : deadLetterQueue;
    }

    /**
     * Puts the same range on the queue again, visible after {@code delay}: for a range that waits
     * for a paused batch, so that waiting does not count as failed receives toward the DLQ.
     */
    void requeue(Message message, Duration delay) {
        int seconds = Math.toIntExact(Math.min(900, Math.max(0, delay.toSeconds())));
        sqs().sendMessage(r -> r.queueUrl(url()).messageBody(message.body()).delaySeconds(seconds)).join();
    }

    /** Send first, then delete: a crash in between leaves a copy in both queues, never in none. */
    void deadLetter(Message message, String reason) {
        String shortReason = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
        sqs().sendMessage(r -> r.queueUrl(queueUrls.urlOf(deadLetterQueue)).messageBody(message.body())
                .messageAttributes(Map.of(
                        REASON_ATTRIBUTE, attribute(shortReason),
                        ORIGINAL_ID_ATTRIBUTE, attribute(message.messageId())))).join();
        delete(message);
    }

    private static MessageAttributeValue attribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
