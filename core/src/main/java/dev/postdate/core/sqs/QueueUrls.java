package dev.postdate.core.sqs;

import jakarta.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves queue names to URLs once: SQS addresses queues by URL, configuration by name.
 */
@Singleton
public class QueueUrls {

    private final SqsAsyncClient sqs;
    private final Map<String, String> urls = new ConcurrentHashMap<>();

    public QueueUrls(SqsAsyncClient sqs) {
        this.sqs = sqs;
    }

    public String urlOf(String queueName) {
        return urls.computeIfAbsent(queueName,
                name -> sqs.getQueueUrl(request -> request.queueName(name)).join().queueUrl());
    }
}
