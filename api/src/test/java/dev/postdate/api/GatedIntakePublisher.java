package dev.postdate.api;

import dev.postdate.api.intake.IntakePublisherFactory;
import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.intake.IntakePublisher;
import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * With {@code test.gate-intake=true}, the real publisher, except that a send waits at a gate before it
 * goes to SQS: a test can hold a request in flight.
 */
@Singleton
@Replaces(IntakePublisher.class)
@Requires(property = "test.gate-intake", value = "true")
public class GatedIntakePublisher extends IntakePublisher {

    /** Sends beyond the permits wait until released. */
    public final Semaphore gate = new Semaphore(Integer.MAX_VALUE);

    public GatedIntakePublisher(SqsAsyncClient sqs, QueueUrls queueUrls, SqsSettings sqsSettings, ApiSettings settings,
                                IntakePacketCodec codec) {
        super(sqs, queueUrls, sqsSettings, IntakePublisherFactory.limits(settings), codec);
    }

    @Override
    public void send(List<String> bodies) {
        gate.acquireUninterruptibly();
        super.send(bodies);
    }
}
