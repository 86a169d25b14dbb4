package dev.postdate.core.sqs.dlq;

import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.intake.PackedEmail;
import dev.postdate.core.intake.UndecodablePacketException;
import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import io.micronaut.context.annotation.Value;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Lists, shows and redrives the messages of the dead-letter queues: the one implementation behind
 * {@code ./postdate dlq} and the operator API.
 * <p>
 * SQS has no way to read a message without receiving it, so every look receives: it hides the messages
 * it saw for {@code postdate.dlq.peek-visibility} and makes them visible again when it is done. A list
 * running at the same time as another therefore sees fewer messages. A redrive sends a copy to the
 * source queue before it deletes the dead letter: a crash in between leaves the message in both
 * queues (the consumers tolerate a second delivery), never in neither.
 */
@Singleton
public class DeadLetters {

    /** Attributes Postdate puts on the messages it dead-letters itself (the consumers' constants). */
    public static final String REASON_ATTRIBUTE = "postdate-reason";
    public static final String ORIGINAL_ID_ATTRIBUTE = "postdate-original-message-id";
    /** SQS's limit for receive and every batch call. */
    private static final int SQS_BATCH = 10;
    /** A receive that waits this long and finds nothing ends a scan (SQS's short poll may miss messages). */
    private static final int SCAN_WAIT_SECONDS = 1;

    private final SqsAsyncClient sqs;
    private final QueueUrls queueUrls;
    private final SqsSettings sqsSettings;
    private final DeadLetterSettings settings;
    private final IntakePacketCodec codec;
    private final ObjectMapper json;
    private final String intakeDeadLetterQueue;
    private final String rangesDeadLetterQueue;
    private final String feedbackQueue;
    private final String trackingQueue;

    public DeadLetters(SqsAsyncClient sqs, QueueUrls queueUrls, SqsSettings sqsSettings, DeadLetterSettings settings,
                       IntakePacketCodec codec, ObjectMapper json,
                       @Value("${postdate.sqs.intake-dead-letter-queue:}") String intakeDeadLetterQueue,
                       @Value("${postdate.sqs.ranges-dead-letter-queue:}") String rangesDeadLetterQueue,
                       @Value("${postdate.feedback.queue:postdate-feedback}") String feedbackQueue,
                       @Value("${postdate.feedback.tracking-queue:postdate-tracking}") String trackingQueue) {
        this.sqs = sqs;
        this.queueUrls = queueUrls;
        this.sqsSettings = sqsSettings;
        this.settings = settings;
        this.codec = codec;
        this.json = json;
        this.intakeDeadLetterQueue = orDefault(intakeDeadLetterQueue, sqsSettings.intakeQueue());
        this.rangesDeadLetterQueue = orDefault(rangesDeadLetterQueue, sqsSettings.rangesQueue());
        this.feedbackQueue = feedbackQueue;
        this.trackingQueue = trackingQueue;
    }

    private static String orDefault(String configured, String sourceQueue) {
        return configured == null || configured.isBlank() ? sourceQueue + "-dlq" : configured;
    }

    /** The dead-letter queue's name. */
    public String queueName(DeadLetterQueue queue) {
        return switch (queue) {
            case INTAKE -> intakeDeadLetterQueue;
            case RANGES -> rangesDeadLetterQueue;
            // The queues' redrive policies name these (infra/aws/postdate.yaml, elasticmq.conf).
            case FEEDBACK, TRACKING -> sourceQueueName(queue) + "-dlq";
        };
    }

    /** The queue whose messages it holds, where a redrive sends them. */
    public String sourceQueueName(DeadLetterQueue queue) {
        return switch (queue) {
            case INTAKE -> sqsSettings.intakeQueue();
            case RANGES -> sqsSettings.rangesQueue();
            case FEEDBACK -> feedbackQueue;
            case TRACKING -> trackingQueue;
        };
    }

    /** SQS's ApproximateNumberOfMessages: visible messages, without receiving any. */
    public long approximateCount(DeadLetterQueue queue) {
        String count = sqs.getQueueAttributes(r -> r.queueUrl(url(queue))
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).join()
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
        return Long.parseLong(count);
    }

    /** Up to {@code postdate.dlq.list-limit} messages, oldest first, each described without its body. */
    public List<DeadLetter> list(DeadLetterQueue queue) {
        List<Message> seen = scan(queue, message -> false);
        try {
            return seen.stream().map(DeadLetters::describe)
                    .sorted((a, b) -> a.sentAt().compareTo(b.sentAt())).toList();
        } finally {
            reveal(queue, seen);
        }
    }

    /** One message with a summary of its body that names no person; empty if no visible message has that id. */
    public Optional<DeadLetterDetail> show(DeadLetterQueue queue, String messageId) {
        List<Message> seen = scan(queue, message -> message.messageId().equals(messageId));
        try {
            return seen.stream().filter(message -> message.messageId().equals(messageId)).findFirst()
                    .map(message -> detail(queue, message));
        } finally {
            reveal(queue, seen);
        }
    }

    /** Moves one message back to its source queue; empty if no visible message has that id. */
    public Optional<Redriven.Move> redrive(DeadLetterQueue queue, String messageId) {
        List<Message> seen = scan(queue, message -> message.messageId().equals(messageId));
        Optional<Message> found = seen.stream().filter(message -> message.messageId().equals(messageId)).findFirst();
        found.ifPresent(seen::remove);
        try {
            return found.map(message -> move(queue, message));
        } finally {
            reveal(queue, seen);
        }
    }

    /**
     * Moves every message the queue holds (up to the list limit) back to its source queue. The scan
     * ends before the first move, so a packet that fails again and comes back meanwhile is not moved a
     * second time by the same redrive.
     */
    public Redriven redriveAll(DeadLetterQueue queue) {
        List<Message> seen = scan(queue, message -> false);
        List<Redriven.Move> moved = new ArrayList<>();
        try {
            for (Message message : seen) {
                moved.add(move(queue, message));
            }
        } finally {
            reveal(queue, seen.subList(moved.size(), seen.size()));
        }
        return new Redriven(moved);
    }

    /** Send first, then delete: a crash in between leaves a copy in both queues, never in none. */
    private Redriven.Move move(DeadLetterQueue queue, Message message) {
        String newId = sqs.sendMessage(r -> r.queueUrl(queueUrls.urlOf(sourceQueueName(queue)))
                .messageBody(message.body())).join().messageId();
        sqs.deleteMessage(r -> r.queueUrl(url(queue)).receiptHandle(message.receiptHandle())).join();
        return new Redriven.Move(message.messageId(), newId);
    }

    /**
     * Receives (and so hides) visible messages until {@code stop} matches one, a receive finds
     * nothing, or the list limit is reached. The caller makes them visible again.
     */
    private List<Message> scan(DeadLetterQueue queue, Predicate<Message> stop) {
        Map<String, Message> seen = new LinkedHashMap<>();
        int visibility = Math.toIntExact(settings.peekVisibility().toSeconds());
        while (seen.size() < settings.listLimit()) {
            int max = Math.min(SQS_BATCH, settings.listLimit() - seen.size());
            List<Message> received = sqs.receiveMessage(r -> r.queueUrl(url(queue))
                    .maxNumberOfMessages(max)
                    .waitTimeSeconds(SCAN_WAIT_SECONDS)
                    .visibilityTimeout(visibility)
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP,
                            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).join().messages();
            if (received.isEmpty()) {
                break;
            }
            boolean found = false;
            for (Message message : received) {
                seen.put(message.messageId(), message);
                found |= stop.test(message);
            }
            if (found) {
                break;
            }
        }
        return new ArrayList<>(seen.values());
    }

    /** Makes looked-at messages visible again at once. */
    private void reveal(DeadLetterQueue queue, List<Message> messages) {
        for (int from = 0; from < messages.size(); from += SQS_BATCH) {
            List<Message> chunk = messages.subList(from, Math.min(from + SQS_BATCH, messages.size()));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receiptHandle()).visibilityTimeout(0).build());
            }
            sqs.changeMessageVisibilityBatch(r -> r.queueUrl(url(queue)).entries(entries)).join();
        }
    }

    private DeadLetterDetail detail(DeadLetterQueue queue, Message message) {
        DeadLetter letter = describe(message);
        return switch (queue) {
            case INTAKE -> {
                try {
                    IntakePacket packet = codec.decode(message.body());
                    yield DeadLetterDetail.of(letter, new DeadLetterDetail.PacketSummary(packet.packetId(),
                            packet.emails().size(), packet.emails().stream().map(PackedEmail::id).toList(),
                            packet.emails().stream().map(PackedEmail::tenant).distinct().sorted().toList()));
                } catch (UndecodablePacketException e) {
                    yield DeadLetterDetail.undecodable(letter, e.getMessage());
                }
            }
            case RANGES -> read(letter, message, RangeMessage.class, "a range message", DeadLetterDetail::of);
            case FEEDBACK -> read(letter, message, JsonNode.class, "an SES notification",
                    (l, body) -> DeadLetterDetail.of(l, DeadLetterSummaries.notification(json, body)));
            case TRACKING -> read(letter, message, JsonNode.class, "a list of tracking events",
                    (l, body) -> DeadLetterDetail.of(l, DeadLetterSummaries.trackingEvents(body)));
        };
    }

    /** A body's summary, which may find the body unreadable after all. */
    @FunctionalInterface
    private interface Summary<T> {
        DeadLetterDetail apply(DeadLetter letter, T body) throws IOException;
    }

    private <T> DeadLetterDetail read(DeadLetter letter, Message message, Class<T> type, String what,
                                      Summary<T> summary) {
        try {
            T body = json.readValue(message.body(), type);
            if (body == null) {
                throw new IOException("empty");
            }
            return summary.apply(letter, body);
        } catch (IOException | RuntimeException e) {
            return DeadLetterDetail.undecodable(letter, "not " + what + ": " + e.getClass().getSimpleName());
        }
    }

    private static DeadLetter describe(Message message) {
        String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        return new DeadLetter(message.messageId(), sentAt(message), count == null ? 0 : Integer.parseInt(count),
                stringAttribute(message, REASON_ATTRIBUTE), stringAttribute(message, ORIGINAL_ID_ATTRIBUTE),
                message.body().getBytes(StandardCharsets.UTF_8).length);
    }

    private static Instant sentAt(Message message) {
        String millis = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        return millis == null ? Instant.EPOCH : Instant.ofEpochMilli(Long.parseLong(millis));
    }

    private static String stringAttribute(Message message, String name) {
        MessageAttributeValue value = message.messageAttributes().get(name);
        return value == null ? null : value.stringValue();
    }

    private String url(DeadLetterQueue queue) {
        return queueUrls.urlOf(queueName(queue));
    }
}
