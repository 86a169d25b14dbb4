package dev.postdate.ranger;

import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Puts ranges on the ranges queue, ten to a request, all requests in flight at once. */
@Singleton
public class RangePublisher {

    private static final int SQS_BATCH_LIMIT = 10;

    private final SqsAsyncClient sqs;
    private final QueueUrls queueUrls;
    private final SqsSettings settings;
    private final ObjectMapper json;

    public RangePublisher(SqsAsyncClient sqs, QueueUrls queueUrls, SqsSettings settings, ObjectMapper json) {
        this.sqs = sqs;
        this.queueUrls = queueUrls;
        this.settings = settings;
        this.json = json;
    }

    /** Returns once SQS acknowledged every range; throws if any was refused. */
    public void publish(List<RangeMessage> ranges) {
        String url = queueUrls.urlOf(settings.rangesQueue());
        List<CompletableFuture<SendMessageBatchResponse>> requests = new ArrayList<>();
        for (int from = 0; from < ranges.size(); from += SQS_BATCH_LIMIT) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (RangeMessage range : ranges.subList(from, Math.min(from + SQS_BATCH_LIMIT, ranges.size()))) {
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(entries.size()))
                        .messageBody(encode(range))
                        .build());
            }
            requests.add(sqs.sendMessageBatch(r -> r.queueUrl(url).entries(entries)));
        }
        for (CompletableFuture<SendMessageBatchResponse> request : requests) {
            SendMessageBatchResponse response = request.join();
            if (!response.failed().isEmpty()) {
                throw new IllegalStateException("SQS refused " + response.failed().size() + " ranges: "
                        + response.failed().getFirst().message());
            }
        }
    }

    private String encode(RangeMessage range) {
        try {
            return json.writeValueAsString(range);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
