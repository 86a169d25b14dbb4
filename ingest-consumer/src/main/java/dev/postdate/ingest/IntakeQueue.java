package dev.postdate.ingest;

import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** The SQS operations of the ingest consumer on the intake queue and its dead-letter queue. */
@Singleton
class IntakeQueue {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeQueue.class);

    /** SQS's limit for receive and every batch call. */
    static final int SQS_BATCH = 10;
    /** Message attributes a dead-lettered message carries, for whoever inspects the DLQ. */
    static final String REASON_ATTRIBUTE = "postdate-reason";
    static final String ORIGINAL_ID_ATTRIBUTE = "postdate-original-message-id";
    /** SQS attribute values are bounded; a reason is a short diagnosis anyway. */
    private static final int MAX_REASON_CHARS = 1_000;

    private final SqsAsyncClient sqs;
    private final QueueUrls queueUrls;
    private final String intakeQueue;
    private final String deadLetterQueue;
    private final IngestSettings settings;

    IntakeQueue(SqsAsyncClient sqs, QueueUrls queueUrls, SqsSettings sqsSettings, IngestSettings settings,
                @Value("${postdate.sqs.intake-dead-letter-queue}") String deadLetterQueue) {
        this.sqs = sqs;
        this.queueUrls = queueUrls;
        this.intakeQueue = sqsSettings.intakeQueue();
        this.deadLetterQueue = deadLetterQueue;
        this.settings = settings;
    }

    /** One long poll; the future can be cancelled to stop waiting on shutdown. */
    CompletableFuture<List<Message>> receive() {
        return sqs.receiveMessage(request -> request
                        .queueUrl(intakeUrl())
                        .maxNumberOfMessages(SQS_BATCH)
                        .waitTimeSeconds(Math.toIntExact(settings.receiveWait().toSeconds()))
                        .visibilityTimeout(Math.toIntExact(settings.visibilityTimeout().toSeconds())))
                .thenApply(response -> response.messages());
    }

    /** Deletes messages; a stale receipt handle (the message was redelivered meanwhile) is only logged. */
    void delete(List<Message> messages) {
        forEachChunk(messages, chunk -> {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i)).receiptHandle(chunk.get(i).receiptHandle()).build());
            }
            return sqs.deleteMessageBatch(request -> request.queueUrl(intakeUrl()).entries(entries))
                    .thenAccept(response -> logFailures("delete", response.failed()));
        });
    }

    /** Keeps messages hidden for another {@code timeout}; zero hands them back to the queue at once. */
    void changeVisibility(List<Message> messages, Duration timeout) {
        int seconds = Math.toIntExact(timeout.toSeconds());
        forEachChunk(messages, chunk -> {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receiptHandle()).visibilityTimeout(seconds).build());
            }
            return sqs.changeMessageVisibilityBatch(request -> request.queueUrl(intakeUrl()).entries(entries))
                    .thenAccept(response -> logFailures("change visibility", response.failed()));
        });
    }

    /**
     * Moves a message that can never be ingested to the dead-letter queue now, instead of letting it
     * be received again and again until the redrive policy gives up on it. Send first, then delete:
     * a crash in between leaves a copy in both queues, never in none.
     */
    void deadLetter(Message message, String reason) {
        String shortReason = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
        sqs.sendMessage(request -> request
                .queueUrl(queueUrls.urlOf(deadLetterQueue))
                .messageBody(message.body())
                .messageAttributes(Map.of(
                        REASON_ATTRIBUTE, stringAttribute(shortReason),
                        ORIGINAL_ID_ATTRIBUTE, stringAttribute(message.messageId())))).join();
        delete(List.of(message));
    }

    private String intakeUrl() {
        return queueUrls.urlOf(intakeQueue);
    }

    private static MessageAttributeValue stringAttribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static void forEachChunk(List<Message> messages,
                                     Function<List<Message>, CompletableFuture<Void>> call) {
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int from = 0; from < messages.size(); from += SQS_BATCH) {
            calls.add(call.apply(messages.subList(from, Math.min(from + SQS_BATCH, messages.size()))));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
    }

    private static void logFailures(String operation, List<BatchResultErrorEntry> failed) {
        for (BatchResultErrorEntry entry : failed) {
            LOG.warn("SQS {} failed for one message: {} {}", operation, entry.code(), entry.message());
        }
    }
}
