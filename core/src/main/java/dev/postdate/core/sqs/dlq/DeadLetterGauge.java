package dev.postdate.core.sqs.dlq;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code postdate.dlq.messages{queue=...}}: how many messages sit in the dead-letter queue named by
 * {@code postdate.dlq.gauge-queue} (the ingest consumer watches {@code intake}, the worker {@code ranges}).
 * Read from SQS every {@code postdate.dlq.gauge-interval}, not per scrape; NaN until the first read
 * and while SQS cannot be asked. Created with the context, so that the gauge is on /prometheus from
 * the start rather than after the first scheduled read.
 */
@Context
@Requires(property = "postdate.dlq.gauge-queue")
public class DeadLetterGauge {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterGauge.class);

    private final DeadLetters deadLetters;
    private final DeadLetterQueue queue;
    private volatile double messages = Double.NaN;

    public DeadLetterGauge(DeadLetters deadLetters, MeterRegistry registry,
                           @Value("${postdate.dlq.gauge-queue}") String queueName) {
        this.deadLetters = deadLetters;
        this.queue = DeadLetterQueue.fromWireName(queueName).orElseThrow(() -> new IllegalArgumentException(
                "postdate.dlq.gauge-queue must be intake, ranges, feedback or tracking, not " + queueName));
        Gauge.builder("postdate.dlq.messages", this, gauge -> gauge.messages)
                .description("messages in the dead-letter queue (SQS ApproximateNumberOfMessages)")
                .tag("queue", queue.wireName())
                .register(registry);
    }

    @Scheduled(initialDelay = "0s", fixedDelay = "${postdate.dlq.gauge-interval:30s}")
    void read() {
        try {
            messages = deadLetters.approximateCount(queue);
        } catch (RuntimeException e) {
            messages = Double.NaN;
            LOG.warn("Reading the size of the {} dead-letter queue failed: {}", queue.wireName(), e.getMessage());
        }
    }
}
