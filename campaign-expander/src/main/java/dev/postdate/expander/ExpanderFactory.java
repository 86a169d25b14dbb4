package dev.postdate.expander;

import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.intake.IntakePublisher;
import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** The expander's intake publisher: campaign emails enter through the same queue as the api's. */
@Factory
public class ExpanderFactory {

    @Singleton
    IntakePublisher intakePublisher(SqsAsyncClient sqs, QueueUrls queueUrls, SqsSettings sqsSettings,
                                    ExpanderSettings settings, IntakePacketCodec codec) {
        return new IntakePublisher(sqs, queueUrls, sqsSettings, new IntakePublisher.Limits(settings.maxPacketBytes(),
                settings.maxSqsCallBytes(), settings.sqsMaxInFlight(), settings.sqsAttempts()), codec);
    }
}
