package dev.postdate.core.sqs;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.NotBlank;

import java.net.URI;

/**
 * Where SQS lives and which queues Postdate uses. In production {@code endpoint} stays unset and the
 * SDK resolves the regional AWS endpoint; locally it points at ElasticMQ.
 *
 * @param endpoint    endpoint override, or null for the AWS default
 * @param region      AWS region of the queues
 * @param intakeQueue queue the api fills and the ingest consumer drains
 * @param rangesQueue queue the ranger fills and the workers drain
 */
@ConfigurationProperties("postdate.sqs")
public record SqsSettings(
        @Nullable URI endpoint,
        @NotBlank String region,
        @NotBlank String intakeQueue,
        @NotBlank String rangesQueue) {
}
