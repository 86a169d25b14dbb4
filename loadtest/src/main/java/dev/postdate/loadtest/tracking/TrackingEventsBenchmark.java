package dev.postdate.loadtest.tracking;

import dev.postdate.clickhouse.feedback.FeedbackEventStore;
import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.tracking.TrackingEvent;
import dev.postdate.loadtest.ToolContext;
import io.micronaut.context.ApplicationContext;
import io.micronaut.serde.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * How soon tracking events become visible in stats (issue 20: 1,000,000 within 60 s): puts clicks on
 * the tracking queue as the tracker does (200 to a message), while the local stack's feedback consumer
 * records them, then waits until the batch's stats count them all, and times the stats query on the
 * result. Needs {@code ./postdate up} (the feedback consumer and ClickHouse of the local stack).
 */
@Command(name = "tracking-events", mixinStandardHelpOptions = true)
public class TrackingEventsBenchmark implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "1000000", description = "click events to put on the queue")
    long events;

    @Option(names = "--per-message", defaultValue = "200", description = "events per SQS message (the tracker's events-per-message)")
    int perMessage;

    @Option(names = "--sends", defaultValue = "32", description = "SQS sends in flight at once")
    int sends;

    @Option(names = "--queue", defaultValue = "postdate-tracking", description = "the tracking queue")
    String queue;

    @Option(names = "--timeout", defaultValue = "600", description = "seconds to wait for the events in stats")
    long timeout;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrackingEventsBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try (ApplicationContext context = ToolContext.run(Map.of("postdate.clickhouse.migrate-on-start", false))) {
            return run(context);
        }
    }

    private int run(ApplicationContext context) throws Exception {
        SqsAsyncClient sqs = context.getBean(SqsAsyncClient.class);
        String url = context.getBean(QueueUrls.class).urlOf(queue);
        ObjectMapper json = context.getBean(ObjectMapper.class);
        FeedbackEventStore store = context.getBean(FeedbackEventStore.class);
        String batch = "bench-events-" + Long.toString(System.currentTimeMillis(), 36);
        System.out.printf("tracking events: %,d clicks of batch %s, %d to a message, %d sends in flight%n",
                events, batch, perMessage, sends);

        long started = System.nanoTime();
        Semaphore inFlight = new Semaphore(sends);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (long first = 0; first < events; first += perMessage) {
            List<TrackingEvent> message = new ArrayList<>(perMessage);
            for (long i = first; i < Math.min(events, first + perMessage); i++) {
                message.add(new TrackingEvent(UUID.randomUUID().toString(), TrackingEvent.CLICKED, "bench",
                        "bench-email-" + i, batch, "reader-" + i + "@example.com", "", "", 1 + (int) (i % 3),
                        "https://shop.example.com/spring?item=" + (i % 50), System.currentTimeMillis()));
            }
            String body = json.writeValueAsString(message);
            inFlight.acquire();
            pending.add(sqs.sendMessage(r -> r.queueUrl(url).messageBody(body))
                    .whenComplete((ok, failure) -> inFlight.release()));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        double published = (System.nanoTime() - started) / 1e9;
        System.out.printf("RESULT published %,d events in %.1f s (%,.0f events/s)%n", events, published, events / published);

        long deadline = started + Duration.ofSeconds(timeout).toNanos();
        long visible = 0;
        while (System.nanoTime() < deadline) {
            visible = store.ofBatch("bench", batch).clickedTotal();
            if (visible >= events) {
                break;
            }
            System.out.printf("  %.0f s: %,d visible%n", (System.nanoTime() - started) / 1e9, visible);
            Thread.sleep(2000);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("RESULT visible %,d of %,d events in stats %.1f s after the first was published%n",
                visible, events, seconds);
        for (int i = 0; i < 3; i++) {
            long query = System.nanoTime();
            store.feedbackOf("bench", List.of(batch));
            System.out.printf("RESULT stats of the batch (%,d clicks): %d ms%n", visible, (System.nanoTime() - query) / 1_000_000);
        }
        return visible >= events ? 0 : 1;
    }
}
