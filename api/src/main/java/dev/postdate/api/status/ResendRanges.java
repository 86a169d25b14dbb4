package dev.postdate.api.status;

import dev.postdate.core.range.RangeBounds;
import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Puts a range of exactly one email on the ranges queue: its bounds cover that email's key (send
 * second, arrival sequence) and nothing else. A worker's pass then sends it through the guard's
 * {@code resend} state, which one claim only can take over.
 */
@Singleton
class ResendRanges {

    private final software.amazon.awssdk.services.sqs.SqsAsyncClient sqs;
    private final QueueUrls queueUrls;
    private final SqsSettings settings;
    private final ObjectMapper json;

    ResendRanges(software.amazon.awssdk.services.sqs.SqsAsyncClient sqs, QueueUrls queueUrls, SqsSettings settings,
                 ObjectMapper json) {
        this.sqs = sqs;
        this.queueUrls = queueUrls;
        this.settings = settings;
        this.json = json;
    }

    void publish(String emailId, Instant sendAt, long seq, Instant at) {
        long second = sendAt.getEpochSecond();
        RangeMessage range = new RangeMessage("resend-" + emailId + "-" + at.toEpochMilli(), 0,
                new RangeBounds(second - 1, second, seq - 1, seq, null, null), 1, 0);
        String body;
        try {
            body = json.writeValueAsString(range);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sqs.sendMessage(r -> r.queueUrl(queueUrls.urlOf(settings.rangesQueue())).messageBody(body)).join();
    }
}
