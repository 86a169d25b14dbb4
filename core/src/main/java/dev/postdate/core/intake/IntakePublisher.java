package dev.postdate.core.intake;

import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.IntStream;

/**
 * Packs accepted emails into intake messages and sends them with SendMessageBatch, all calls of a
 * request in flight at once. Returns only when SQS acknowledged every message: SQS then holds them
 * durably, which is what the api's 202 and the campaign expander's checkpoint promise.
 */
public class IntakePublisher {

    /**
     * @param maxPacketBytes  largest intake SQS message body (SQS: 262,144 bytes with attributes)
     * @param maxSqsCallBytes largest sum of bodies in one SendMessageBatch call (SQS limit: 262,144)
     * @param sqsMaxInFlight  SendMessageBatch calls in flight at once across all callers
     * @param sqsAttempts     attempts per message when SQS fails single entries of a batch call
     */
    public record Limits(int maxPacketBytes, int maxSqsCallBytes, int sqsMaxInFlight, int sqsAttempts) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(IntakePublisher.class);
    /** SendMessageBatch takes at most ten entries. */
    private static final int ENTRIES_PER_CALL = 10;

    private final SqsAsyncClient sqs;
    private final QueueUrls queueUrls;
    private final SqsSettings sqsSettings;
    private final Limits settings;
    private final IntakePacketCodec codec;
    private final IntakePacker packer;
    /** Bounds calls in flight across requests: beyond the SDK's connection pool they would only queue and time out. */
    private final Semaphore inFlight;

    public IntakePublisher(SqsAsyncClient sqs, QueueUrls queueUrls, SqsSettings sqsSettings,
                           Limits settings, IntakePacketCodec codec) {
        this.sqs = sqs;
        this.queueUrls = queueUrls;
        this.sqsSettings = sqsSettings;
        this.settings = settings;
        this.codec = codec;
        this.packer = new IntakePacker(codec, settings.maxPacketBytes());
        this.inFlight = new Semaphore(settings.sqsMaxInFlight());
    }

    /**
     * Message bodies holding every email once.
     *
     * @throws OversizedEmailsException when an email does not fit one message even alone
     */
    public List<String> pack(List<ScheduledEmail> emails) {
        List<PackedEmail> packed = codec.pack(emails);
        try {
            return packer.pack(packed);
        } catch (IllegalArgumentException e) {
            // Rare (incompressible bodies near the size limit): only now is each email encoded alone.
            throw new OversizedEmailsException(IntStream.range(0, packed.size())
                    .filter(i -> codec.encode(new IntakePacket(UUID.randomUUID().toString(), List.of(packed.get(i))))
                            .length() > settings.maxPacketBytes())
                    .boxed().toList());
        }
    }

    /**
     * Sends the bodies; entries SQS refuses singly are retried up to {@code sqs-attempts} times.
     *
     * @throws IntakeUnavailableException when some message was not acknowledged; others may have been
     */
    public void send(List<String> bodies) {
        String queueUrl;
        try {
            queueUrl = queueUrls.urlOf(sqsSettings.intakeQueue());
        } catch (RuntimeException e) {
            throw new IntakeUnavailableException("The intake queue cannot be resolved", e);
        }
        List<String> pending = bodies;
        Throwable lastFailure = null;
        for (int attempt = 1; attempt <= settings.sqsAttempts() && !pending.isEmpty(); attempt++) {
            List<Call> calls = calls(pending).stream().map(call -> start(queueUrl, call)).toList();
            List<String> failed = new ArrayList<>();
            for (Call call : calls) {
                try {
                    SendMessageBatchResponse response = call.response().join();
                    for (BatchResultErrorEntry error : response.failed()) {
                        failed.add(call.bodies().get(Integer.parseInt(error.id())));
                        LOG.warn("SQS refused an intake message: {} {}", error.code(), error.message());
                    }
                } catch (RuntimeException e) {
                    failed.addAll(call.bodies());
                    lastFailure = e;
                }
            }
            pending = failed;
        }
        if (!pending.isEmpty()) {
            throw new IntakeUnavailableException(pending.size() + " of " + bodies.size()
                    + " intake messages were not acknowledged by SQS", lastFailure);
        }
    }

    private record Call(List<String> bodies, CompletableFuture<SendMessageBatchResponse> response) {
    }

    private Call start(String queueUrl, List<String> bodies) {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Call(bodies, CompletableFuture.failedFuture(e));
        }
        List<SendMessageBatchRequestEntry> entries = IntStream.range(0, bodies.size())
                .mapToObj(i -> SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(bodies.get(i)).build())
                .toList();
        CompletableFuture<SendMessageBatchResponse> response;
        try {
            response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        return new Call(bodies, response.whenComplete((r, e) -> inFlight.release()));
    }

    /** Groups bodies into calls of at most ten entries and {@code max-sqs-call-bytes} in total. */
    private List<List<String>> calls(List<String> bodies) {
        List<List<String>> calls = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long currentBytes = 0;
        for (String body : bodies) {
            if (!current.isEmpty() && (current.size() == ENTRIES_PER_CALL
                    || currentBytes + body.length() > settings.maxSqsCallBytes())) {
                calls.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(body);
            currentBytes += body.length();
        }
        if (!current.isEmpty()) {
            calls.add(current);
        }
        return calls;
    }
}
