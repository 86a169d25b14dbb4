package dev.postdate.loadtest.ranging;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ranging.ReadyEmails;
import dev.postdate.clickhouse.synthetic.SyntheticEmails;
import dev.postdate.core.redis.RedisSettings;
import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import dev.postdate.ranger.LeaderLease;
import dev.postdate.ranger.RangePublisher;
import dev.postdate.ranger.RangerSettings;
import dev.postdate.ranger.RangerStateStore;
import dev.postdate.ranger.RangerTick;
import io.lettuce.core.api.StatefulRedisConnection;
import dev.postdate.loadtest.ToolContext;
import io.micronaut.context.ApplicationContext;
import io.micronaut.serde.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The ranger against a large table: N emails due over D days, a share of them ready at once. Times
 * the first tick (cut every ready email into ranges and enqueue them all), then ticks with one new
 * second each (the steady state), then the seed's "count the ready ones" query.
 * Runs against the servers of the local stack, in its own database and queue.
 */
@Command(name = "ranger-benchmark", mixinStandardHelpOptions = true)
public class RangerBenchmark implements Callable<Integer> {

    @Option(names = "--emails", defaultValue = "10000000", description = "emails in the table")
    long emails;

    @Option(names = "--days", defaultValue = "30", description = "days their due times span")
    long days;

    @Option(names = "--ready", defaultValue = "1000000", description = "emails ready at the first tick")
    long ready;

    @Option(names = "--steady-ticks", defaultValue = "20", description = "one-second ticks to time")
    int steadyTicks;

    @Option(names = "--reuse", description = "keep the emails of an earlier run if the count matches")
    boolean reuse;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RangerBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String database = "bench_ranger";
        try (ApplicationContext context = ToolContext.run(Map.of(
                "postdate.clickhouse.database", database,
                "postdate.clickhouse.migrate-on-start", false,
                "postdate.redis.key-prefix", "bench:ranger:",
                "postdate.sqs.ranges-queue", "bench-ranges",
                "postdate.ranger.enabled", false))) {
            ClickHouseSql sql = context.getBean(ClickHouseSql.class);
            SyntheticEmails synthetic = new SyntheticEmails(sql);
            long span = Duration.ofDays(days).toSeconds();
            long firstSendAt = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
            long readyAt = firstSendAt + span * ready / emails;
            if (!reuse || synthetic.count() != emails) {
                long started = System.nanoTime();
                synthetic.generate(emails, firstSendAt, span);
                System.out.printf("generated %,d emails over %d days in %.1f s%n", emails, days, seconds(started));
            }
            SqsAsyncClient sqs = context.getBean(SqsAsyncClient.class);
            sqs.createQueue(r -> r.queueName("bench-ranges")).join();
            String queueUrl = context.getBean(QueueUrls.class).urlOf("bench-ranges");
            sqs.purgeQueue(r -> r.queueUrl(queueUrl)).join();
            @SuppressWarnings("unchecked")
            StatefulRedisConnection<String, String> redis = context.getBean(StatefulRedisConnection.class);
            String[] staleKeys = redis.sync().keys("bench:ranger:*").toArray(String[]::new);
            if (staleKeys.length > 0) {
                redis.sync().del(staleKeys);
            }

            RangerSettings configured = context.getBean(RangerSettings.class);
            RangerSettings settings = new RangerSettings(configured.tickInterval(), configured.rangeSize(),
                    Duration.ofMinutes(5), "bench", configured.stopGrace());
            RedisSettings redisSettings = context.getBean(RedisSettings.class);
            long fence = new LeaderLease(redis, redisSettings, settings).hold().orElseThrow();
            RangePublisher publisher = new RangePublisher(sqs, context.getBean(QueueUrls.class),
                    context.getBean(SqsSettings.class), context.getBean(ObjectMapper.class));
            RangerStateStore store = new RangerStateStore(redis, redisSettings);
            ReadyEmails readyEmails = context.getBean(ReadyEmails.class);

            // Before the first due time: ticks that find nothing ready, as on a quiet night.
            double[] empty = timeTicks(store, readyEmails, publisher, settings, fence, firstSendAt - 1000);
            System.out.printf("empty ticks (nothing ready): median %.1f ms, max %.1f ms%n",
                    empty[empty.length / 2], empty[empty.length - 1]);

            long started = System.nanoTime();
            RangerTick.Outcome first = new RangerTick(store, readyEmails, () -> emails, publisher, settings,
                    Clock.fixed(Instant.ofEpochSecond(readyAt), ZoneOffset.UTC)).run(fence);
            double firstSeconds = seconds(started);
            System.out.printf("first tick: %,d ready emails cut into %,d ranges and enqueued in %.3f s (%,.0f emails/s)%n",
                    first.emails(), first.ranges(), firstSeconds, first.emails() / firstSeconds);

            double[] steady = timeTicks(store, readyEmails, publisher, settings, fence, readyAt);
            System.out.printf("steady ticks (one new second, about %d emails each): median %.1f ms, max %.1f ms%n",
                    emails / span, steady[steady.length / 2], steady[steady.length - 1]);

            long countStarted = System.nanoTime();
            long due = synthetic.countDue(readyAt);
            System.out.printf("count of ready emails: %,d among %,d in %.3f s%n", due, emails, seconds(countStarted));
            sqs.purgeQueue(r -> r.queueUrl(queueUrl)).join();
        }
        return 0;
    }

    /** Milliseconds of {@code steadyTicks} ticks, one second apart after {@code fromSecond}, sorted. */
    private double[] timeTicks(RangerStateStore store, ReadyEmails readyEmails, RangePublisher publisher,
                               RangerSettings settings, long fence, long fromSecond) {
        double[] millis = new double[steadyTicks];
        for (int i = 0; i < steadyTicks; i++) {
            Clock clock = Clock.fixed(Instant.ofEpochSecond(fromSecond + i + 1), ZoneOffset.UTC);
            long started = System.nanoTime();
            new RangerTick(store, readyEmails, () -> emails, publisher, settings, clock).run(fence);
            millis[i] = seconds(started) * 1000;
        }
        Arrays.sort(millis);
        return millis;
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
