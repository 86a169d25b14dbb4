package dev.postdate.core.sqs;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;

/**
 * One async SQS client per process. Credentials come from the default AWS chain (environment,
 * profile, instance role), so the same build runs against ElasticMQ and real SQS.
 */
@Factory
public class SqsClientFactory {

    @Singleton
    @Bean(preDestroy = "close")
    SqsAsyncClient sqsClient(SqsSettings settings) {
        SqsAsyncClientBuilder builder = SqsAsyncClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }
}
