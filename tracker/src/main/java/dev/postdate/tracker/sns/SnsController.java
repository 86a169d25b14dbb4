package dev.postdate.tracker.sns;

import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.tracker.TrackerMetrics;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /sns}: SES's notifications through an SNS HTTPS subscription (docs/tracking.md). A
 * message is taken only from a configured topic, when at most {@code max-age} old (no replays of
 * old signed messages) and with a valid SNS signature; a notification is
 * answered 200 once it is on the feedback queue, where the feedback consumer handles it as one that
 * came through SNS to SQS; anything else SNS retries. A subscription confirmation is confirmed by
 * fetching its SubscribeURL, on an SNS host only.
 */
@Controller("/sns")
@ExecuteOn(TaskExecutors.BLOCKING)
public class SnsController {

    private static final Logger LOG = LoggerFactory.getLogger(SnsController.class);

    private final JsonMapper json;
    private final SnsSignatures signatures;
    private final SigningCertificates certificates;
    private final SqsAsyncClient sqs;
    private final QueueUrls queueUrls;
    private final SnsSettings settings;
    private final TrackerMetrics metrics;
    private final Clock clock;

    SnsController(JsonMapper json, SnsSignatures signatures, SigningCertificates certificates, SqsAsyncClient sqs,
                  QueueUrls queueUrls, SnsSettings settings, TrackerMetrics metrics, Clock clock) {
        this.json = json;
        this.signatures = signatures;
        this.certificates = certificates;
        this.sqs = sqs;
        this.queueUrls = queueUrls;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Post(consumes = {MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
    HttpResponse<?> receive(@Body String body) throws InterruptedException {
        if (settings.topicArns().isEmpty()) {
            return answer("disabled", HttpStatus.NOT_FOUND);
        }
        Optional<SnsEnvelope> parsed = SnsEnvelope.parse(json, body);
        if (parsed.isEmpty()) {
            return answer("malformed", HttpStatus.BAD_REQUEST);
        }
        SnsEnvelope envelope = parsed.get();
        if (!settings.topicArns().contains(envelope.topicArn())) {
            LOG.warn("SNS message {} from topic {}, which is not configured: refused", envelope.messageId(),
                    envelope.topicArn());
            return answer("unknown_topic", HttpStatus.FORBIDDEN);
        }
        if (stale(envelope)) {
            LOG.warn("SNS message {} is older than {} or has no readable Timestamp: refused as a replay",
                    envelope.messageId(), settings.maxAge());
            return answer("stale", HttpStatus.FORBIDDEN);
        }
        try {
            if (!signatures.verified(envelope)) {
                LOG.warn("SNS message {} has no valid signature (certificate {}): refused", envelope.messageId(),
                        envelope.signingCertUrl());
                return answer("forged", HttpStatus.FORBIDDEN);
            }
            return switch (envelope.type()) {
                case SnsEnvelope.NOTIFICATION -> forward(envelope);
                case SnsEnvelope.SUBSCRIPTION_CONFIRMATION -> confirm(envelope);
                case SnsEnvelope.UNSUBSCRIBE_CONFIRMATION -> {
                    LOG.warn("SNS topic {} unsubscribed this endpoint", envelope.topicArn());
                    yield answer("unsubscribe_confirmation", HttpStatus.OK);
                }
                default -> answer("malformed", HttpStatus.BAD_REQUEST);
            };
        } catch (IOException e) {
            LOG.warn("SNS message {} not handled now ({}); SNS delivers it again", envelope.messageId(), e.getMessage());
            return answer("unavailable", HttpStatus.SERVICE_UNAVAILABLE);
        }
    }

    private boolean stale(SnsEnvelope envelope) {
        try {
            return Instant.parse(envelope.timestamp()).isBefore(clock.instant().minus(settings.maxAge()));
        } catch (DateTimeParseException e) {
            return true;
        }
    }

    private HttpResponse<?> forward(SnsEnvelope envelope) throws IOException, InterruptedException {
        try {
            sqs.sendMessage(r -> r.queueUrl(queueUrls.urlOf(settings.feedbackQueue())).messageBody(envelope.raw()))
                    .get(settings.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            throw new IOException("the feedback queue did not take it: " + e.getMessage(), e);
        }
        return answer("notification", HttpStatus.OK);
    }

    private HttpResponse<?> confirm(SnsEnvelope envelope) throws IOException, InterruptedException {
        URI subscribe;
        try {
            subscribe = URI.create(envelope.subscribeUrl() == null ? "" : envelope.subscribeUrl());
        } catch (IllegalArgumentException e) {
            return answer("malformed", HttpStatus.BAD_REQUEST);
        }
        if (!certificates.confirm(subscribe)) {
            return answer("confirmation_failed", HttpStatus.BAD_GATEWAY);
        }
        LOG.info("Confirmed the SNS subscription of topic {}", envelope.topicArn());
        return answer("subscription_confirmed", HttpStatus.OK);
    }

    private HttpResponse<?> answer(String outcome, HttpStatus status) {
        metrics.request("sns", outcome);
        return HttpResponse.status(status);
    }
}
