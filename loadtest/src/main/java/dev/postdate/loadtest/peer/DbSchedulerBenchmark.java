package dev.postdate.loadtest.peer;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;

/**
 * The peer Postdate is compared with: db-scheduler, polling PostgreSQL with lock-and-fetch
 * ({@code SELECT ... FOR UPDATE SKIP LOCKED}), executing N one-time tasks that are all due at once
 * with a handler that does nothing. Scored: the time from {@code scheduler.start()} until every task
 * has run and its row is gone. Filling the table is timed apart and not scored.
 * <p>
 * The default threads and limits are the best lock-and-fetch setting of db-scheduler's own
 * benchmark (docs/performance.md: 4-core PostgreSQL, four 2-core scheduler VMs, 100 threads, limits
 * 2.0 and 6.0, 11,200 executions/s in all); the pool keeps HikariCP's default size, as db-scheduler's
 * benchmark application did.
 */
@Command(name = "db-scheduler-benchmark", mixinStandardHelpOptions = true)
public class DbSchedulerBenchmark implements Callable<Integer> {

    private static final String TASK_NAME = "postdate-peer";
    /** How often the main thread looks at the counters: the resolution of the measured time. */
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(20);

    @Option(names = "--url", defaultValue = "jdbc:postgresql://127.0.0.1:15432/postgres", description = "JDBC URL")
    String url;

    @Option(names = "--user", defaultValue = "postdate", description = "database user (trust authentication)")
    String user;

    @Option(names = "--tasks", defaultValue = "1000000", description = "one-time tasks, all due at once")
    long tasks;

    @Option(names = "--threads", defaultValue = "100", description = "db-scheduler executor threads")
    int threads;

    @Option(names = "--lower-limit", defaultValue = "2.0",
            description = "lock-and-fetch: fetch again when fewer than this many times the threads are queued")
    double lowerLimit;

    @Option(names = "--upper-limit", defaultValue = "6.0",
            description = "lock-and-fetch: fetch and lock at most this many times the threads at once")
    double upperLimit;

    @Option(names = "--polling-interval-ms", defaultValue = "100", description = "db-scheduler polling interval")
    long pollingIntervalMs;

    @Option(names = "--pool-size", defaultValue = "10", description = "pooled database connections (HikariCP)")
    int poolSize;

    @Option(names = "--progress-seconds", defaultValue = "5", description = "seconds between progress lines")
    long progressSeconds;

    @Option(names = "--max-seconds", defaultValue = "3600", description = "give up after this long")
    long maxSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DbSchedulerBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(url);
        pool.setUsername(user);
        pool.setMaximumPoolSize(poolSize);
        pool.setPoolName("peer");
        try (HikariDataSource dataSource = new HikariDataSource(pool)) {
            ScheduledTasksTable table = new ScheduledTasksTable(dataSource);
            table.createEmpty();
            long insertStarted = System.nanoTime();
            table.insertDue(TASK_NAME, tasks, Instant.now());
            double insertSeconds = secondsSince(insertStarted);
            long settleStarted = System.nanoTime();
            table.settle();
            double settleSeconds = secondsSince(settleStarted);
            System.out.printf("inserted %,d due tasks by COPY in %.1f s, then VACUUM ANALYZE and CHECKPOINT in %.1f s%n",
                    tasks, insertSeconds, settleSeconds);

            LongAdder executions = new LongAdder();
            OneTimeTask<Void> task = Tasks.oneTime(TASK_NAME).execute((instance, context) -> executions.increment());
            Scheduler scheduler = Scheduler.create(dataSource, task)
                    .threads(threads)
                    .pollUsingLockAndFetch(lowerLimit, upperLimit)
                    .pollingInterval(Duration.ofMillis(pollingIntervalMs))
                    .schedulerName(new SchedulerName.Fixed(TASK_NAME))
                    .build();
            long started = System.nanoTime();
            scheduler.start();
            double seconds;
            try {
                seconds = awaitAllExecuted(table, executions, started);
            } finally {
                scheduler.stop();
            }
            String versions = "db-scheduler " + dbSchedulerVersion() + " on PostgreSQL " + table.serverVersion();
            if (seconds < 0) {
                System.out.printf("RESULT peer FAILED: %s: %,d of %,d tasks executed, %,d rows left after %d s%n",
                        versions, executions.sum(), tasks, table.remaining(TASK_NAME), maxSeconds);
                return 1;
            }
            System.out.printf("RESULT peer %s: %,d tasks executed and deleted in %.1f s = %,.0f executions/s%n",
                    versions, tasks, seconds, tasks / seconds);
            System.out.printf("RESULT peer settings: %d threads, lock-and-fetch polling (limits %.1f and %.1f x threads), "
                            + "polling interval %d ms, %d pooled connections; handler calls counted: %,d%n",
                    threads, lowerLimit, upperLimit, pollingIntervalMs, poolSize, executions.sum());
            System.out.printf("RESULT peer insert (not scored): %,d tasks by COPY in %.1f s, VACUUM ANALYZE and CHECKPOINT %.1f s%n",
                    tasks, insertSeconds, settleSeconds);
            return 0;
        }
    }

    /** Seconds from {@code startedNanos} until every task ran and its row is gone; -1 past --max-seconds. */
    private double awaitAllExecuted(ScheduledTasksTable table, LongAdder executions, long startedNanos)
            throws SQLException, InterruptedException {
        ProgressPrinter progress = new ProgressPrinter(executions, tasks, Duration.ofSeconds(progressSeconds), startedNanos);
        long deadline = startedNanos + Duration.ofSeconds(maxSeconds).toNanos();
        long now = System.nanoTime();
        while (now < deadline) {
            progress.printIfDue(now);
            // A task's row is deleted after its handler returns: the last deletes still count.
            if (executions.sum() >= tasks && table.remaining(TASK_NAME) == 0) {
                return secondsSince(startedNanos);
            }
            Thread.sleep(CHECK_INTERVAL);
            now = System.nanoTime();
        }
        return -1;
    }

    private static String dbSchedulerVersion() throws IOException {
        Properties pom = new Properties();
        try (InputStream in = Scheduler.class.getResourceAsStream(
                "/META-INF/maven/com.github.kagkarlsson/db-scheduler/pom.properties")) {
            if (in == null) {
                return "(version unknown)";
            }
            pom.load(in);
        }
        return pom.getProperty("version", "(version unknown)");
    }

    private static double secondsSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
