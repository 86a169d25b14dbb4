package dev.postdate.loadtest.ranging;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.ranging.ReadyEmails;
import dev.postdate.clickhouse.synthetic.SyntheticEmails;
import dev.postdate.core.redis.RedisSettings;
import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import dev.postdate.clickhouse.ranging.RangerJournal;
import dev.postdate.ranger.DurableRangerState;
import dev.postdate.ranger.FencedException;
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

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The ranger against a large table: N emails due over D days, a share of them ready at once, and
 * optionally a burst of B more all due in the same second. Times the first tick (cut every ready
 * email into ranges and enqueue them all, in as many steps as max-ranges-per-tick makes it, with the
 * production lease renewed before each step as RangerLoop does), then ticks with one new second
 * each (the steady state), then the seed's "count the ready ones" query.
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

    @Option(names = "--burst", defaultValue = "0",
            description = "further emails, all due in the second of the first tick (\"5M mails at 8 PM\")")
    long burst;

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
                "postdate.sqs.ranges-queue", "bench-ranges"))) {
            ClickHouseSql sql = context.getBean(ClickHouseSql.class);
            SyntheticEmails synthetic = new SyntheticEmails(sql);
            long span = Duration.ofDays(days).toSeconds();
            long firstSendAt = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
            long readyAt = firstSendAt + span * ready / emails;
            if (!reuse || synthetic.count() != emails + burst) {
                long started = System.nanoTime();
                synthetic.generate(emails, firstSendAt, span);
                if (burst > 0) {
                    synthetic.addBurst(burst, readyAt);
                }
                System.out.printf("generated %,d emails over %d days and %,d due at once in %.1f s%n", emails, days,
                        burst, seconds(started));
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
            // The ranger's durable progress of an earlier run would make it resume there.
            sql.execute("TRUNCATE TABLE " + sql.table("ranger_progress"));

            RangerSettings configured = context.getBean(RangerSettings.class);
            RangerSettings settings = new RangerSettings(configured.tickInterval(), configured.rangeSize(),
                    configured.maxRangesPerTick(), configured.leaseDuration(), "bench", configured.stopGrace());
            RedisSettings redisSettings = context.getBean(RedisSettings.class);
            LeaderLease lease = new LeaderLease(redis, redisSettings, settings);
            long fence = lease.hold().orElseThrow();
            RangePublisher publisher = new RangePublisher(sqs, context.getBean(QueueUrls.class),
                    context.getBean(SqsSettings.class), context.getBean(ObjectMapper.class));
            DurableRangerState state = new DurableRangerState(new RangerStateStore(redis, redisSettings),
                    context.getBean(RangerJournal.class));
            ReadyEmails readyEmails = context.getBean(ReadyEmails.class);
            Ticks ticks = new Ticks(state, readyEmails, publisher, settings, lease, fence);

            // Before the first due time: ticks that find nothing ready, as on a quiet night.
            double[] empty = ticks.timeSeconds(firstSendAt - 1000);
            System.out.printf("empty ticks (nothing ready): median %.1f ms, max %.1f ms%n",
                    empty[empty.length / 2], empty[empty.length - 1]);

            long started = System.nanoTime();
            Catch first = ticks.catchUp(readyAt);
            double firstSeconds = seconds(started);
            System.out.printf("first tick: %,d ready emails cut into %,d ranges in %d steps and enqueued in %.3f s"
                            + " (%,.0f emails/s); lease %s, steps resumed %d, fenced %d; heap peak %,d MB%n",
                    first.emails, first.ranges, first.steps, firstSeconds, first.emails / firstSeconds,
                    settings.leaseDuration(), first.resumed, first.fenced, peakHeapMegabytes());

            double[] steady = ticks.timeSeconds(readyAt);
            System.out.printf("steady ticks (one new second, about %d emails each): median %.1f ms, max %.1f ms%n",
                    emails / span, steady[steady.length / 2], steady[steady.length - 1]);

            long countStarted = System.nanoTime();
            long due = synthetic.countDue(readyAt);
            System.out.printf("count of ready emails: %,d among %,d in %.3f s%n", due, synthetic.count(),
                    seconds(countStarted));
            sqs.purgeQueue(r -> r.queueUrl(queueUrl)).join();
        }
        return 0;
    }

    /** What catching up with one point in time took. */
    private record Catch(long emails, long ranges, int steps, int resumed, int fenced) {
    }

    /** Drives the ranger's ticks the way RangerLoop does: steps until the tick finishes, lease renewed before each. */
    private final class Ticks {
        private final DurableRangerState state;
        private final ReadyEmails readyEmails;
        private final RangePublisher publisher;
        private final RangerSettings settings;
        private final LeaderLease lease;
        private final long fence;

        Ticks(DurableRangerState state, ReadyEmails readyEmails, RangePublisher publisher, RangerSettings settings,
              LeaderLease lease, long fence) {
            this.state = state;
            this.readyEmails = readyEmails;
            this.publisher = publisher;
            this.settings = settings;
            this.lease = lease;
            this.fence = fence;
        }

        Catch catchUp(long epochSecond) {
            RangerTick tick = new RangerTick(state, readyEmails, () -> emails + burst, publisher, settings,
                    Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
            long ranged = 0;
            long ranges = 0;
            int steps = 0;
            int resumed = 0;
            int fenced = 0;
            while (true) {
                if (lease.hold().orElse(-1) != fence) {
                    fenced++;
                    break;
                }
                RangerTick.Outcome outcome;
                try {
                    outcome = tick.run(fence);
                } catch (FencedException e) {
                    fenced++;
                    break;
                }
                steps++;
                ranged += outcome.emails();
                ranges += outcome.ranges();
                resumed += outcome.resumed() ? 1 : 0;
                if (outcome.finished()) {
                    break;
                }
            }
            return new Catch(ranged, ranges, steps, resumed, fenced);
        }

        /** Milliseconds of {@code steadyTicks} ticks, one second apart after {@code fromSecond}, sorted. */
        double[] timeSeconds(long fromSecond) {
            double[] millis = new double[steadyTicks];
            for (int i = 0; i < steadyTicks; i++) {
                long started = System.nanoTime();
                catchUp(fromSecond + i + 1);
                millis[i] = seconds(started) * 1000;
            }
            Arrays.sort(millis);
            return millis;
        }
    }

    private static long peakHeapMegabytes() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum() >> 20;
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
