package dev.postdate.api.intake;

import dev.postdate.api.ApiSettings;
import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.intake.IntakePublisher;
import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** The api's intake publisher, sized by {@code postdate.api.*}. */
@Factory
public class IntakePublisherFactory {

    public static IntakePublisher.Limits limits(ApiSettings settings) {
        return new IntakePublisher.Limits(settings.maxPacketBytes(), settings.maxSqsCallBytes(),
                settings.sqsMaxInFlight(), settings.sqsAttempts());
    }

    @Singleton
    IntakePublisher intakePublisher(SqsAsyncClient sqs, QueueUrls queueUrls, SqsSettings sqsSettings,
                                    ApiSettings settings, IntakePacketCodec codec) {
        return new IntakePublisher(sqs, queueUrls, sqsSettings, limits(settings), codec);
    }
}
