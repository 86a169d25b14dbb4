package dev.postdate.loadtest.intake;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.synthetic.SyntheticEmails;
import dev.postdate.core.redis.RedisKeys;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import dev.postdate.loadtest.ToolContext;
import io.micronaut.context.ApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Intake end to end: N clients POST full batches (1,000 personalized emails each) to a running api
 * until {@code --emails} were accepted, while a running ingest consumer moves them into ClickHouse.
 * Reports accepted emails/s (first request to last 202), the time until every accepted email is
 * visible in ClickHouse, request latencies and the api's heap, sampled from its /prometheus.
 * The api and the ingest consumer must use the database given here (see ./postdate bench).
 */
@Command(name = "intake-benchmark", mixinStandardHelpOptions = true)
public class IntakeBenchmark implements Callable<Integer> {

    @Option(names = "--url", defaultValue = "${env:POSTDATE_BENCH_API_URL:-http://127.0.0.1:18080}",
            description = "api base URL (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--management-url", defaultValue = "${env:POSTDATE_BENCH_API_MANAGEMENT_URL:-http://127.0.0.1:19080}",
            description = "the api's management base URL, where its heap is read from /prometheus (default: ${DEFAULT-VALUE})")
    String managementUrl;

    @Option(names = "--key", defaultValue = "${env:POSTDATE_BENCH_API_KEY}", required = true,
            description = "API key (or POSTDATE_BENCH_API_KEY)")
    String key;

    @Option(names = "--emails", defaultValue = "1000000", description = "emails to send in total")
    long emails;

    @Option(names = "--batch", defaultValue = "1000", description = "emails per request")
    int batch;

    @Option(names = "--clients", defaultValue = "4", description = "concurrent clients (each one request at a time)")
    int clients;

    @Option(names = "--kind", defaultValue = "html", description = "html (~2 KB personalized html) or template (reference + data)")
    String kind;

    @Option(names = "--database", defaultValue = "${env:POSTDATE_CLICKHOUSE_DATABASE:-bench_intake}",
            description = "ClickHouse database the ingest consumer writes (default: ${DEFAULT-VALUE})")
    String database;

    @Option(names = "--visible-timeout", defaultValue = "600", description = "seconds to wait for ClickHouse after the last 202")
    long visibleTimeout;

    @Option(names = "--progress", defaultValue = "5", description = "seconds between progress lines")
    long progressSeconds;

    @Option(names = "--tenant", defaultValue = "bench", description = "the key's tenant: its accepted:<tenant>:* records are deleted afterwards")
    String tenant;

    @Option(names = "--distinct-bodies", defaultValue = "16",
            description = "request bodies generated before the run and sent in turn (0: build each body while sending); "
                    + "keeps the client's CPU off the 2 cores the servers share. The api gives every email its own id.")
    int distinctBodies;

    @Option(names = "--keep-redis", description = "keep the api's accepted:<tenant>:* records (1 day TTL, ~100 B each)")
    boolean keepRedis;

    private static final Pattern HEAP = Pattern.compile(
            "^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*}\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern LIVE = Pattern.compile("^jvm_gc_live_data_size_bytes(?:\\{[^}]*})?\\s+(\\S+)", Pattern.MULTILINE);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();

    public static void main(String[] args) {
        System.exit(new CommandLine(new IntakeBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!kind.equals("html") && !kind.equals("template")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--kind must be html or template");
        }
        try (ApplicationContext context = ToolContext.run(Map.of(
                "postdate.clickhouse.database", database,
                "postdate.clickhouse.migrate-on-start", false))) {
            SyntheticEmails table = new SyntheticEmails(context.getBean(ClickHouseSql.class));
            return run(table, context);
        }
    }

    private int run(SyntheticEmails table, ApplicationContext context) throws Exception {
        long requests = (emails + batch - 1) / batch;
        long baseline = table.count();
        String run = Long.toString(System.currentTimeMillis(), 36);
        System.out.printf("intake benchmark: %,d emails in %,d requests of %,d (%s), %d client(s), api %s, %s.emails already holds %,d%n",
                emails, requests, batch, kind, clients, url, database, baseline);
        System.out.printf("request body: %,d bytes%n", body(run, 0).length);

        byte[][] prepared = new byte[Math.max(0, distinctBodies)][];
        for (int i = 0; i < prepared.length; i++) {
            prepared[i] = body(run, i);
        }

        HeapSampler heap = new HeapSampler();
        heap.sample();
        Thread sampler = Thread.ofPlatform().daemon().name("heap-sampler").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                heap.sample();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        AtomicLong nextRequest = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long[] latencyMicros = new long[(int) requests];
        long started = System.nanoTime();
        AtomicLong lastAccepted = new AtomicLong(started);
        Progress progress = new Progress(started, accepted, table, baseline, heap);
        Thread progressThread = Thread.ofPlatform().daemon().name("progress").start(progress);

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    for (long r; (r = nextRequest.getAndIncrement()) < requests; ) {
                        int n = (int) Math.min(batch, emails - r * batch);
                        byte[] body = n == batch && prepared.length > 0 ? prepared[(int) (r % prepared.length)] : body(run, r, n);
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/emails/batch"))
                                    .timeout(Duration.ofSeconds(60))
                                    .header("Authorization", "Bearer " + key)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() == 202) {
                                accepted.addAndGet(n);
                                lastAccepted.accumulateAndGet(System.nanoTime(), Math::max);
                            } else {
                                failed.incrementAndGet();
                                firstFailure.compareAndSet(null, response.statusCode() + " " + abbreviate(response.body()));
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, e.toString());
                        }
                        latencyMicros[(int) r] = (System.nanoTime() - t0) / 1_000;
                    }
                    return null;
                });
            }
        }
        double acceptSeconds = (lastAccepted.get() - started) / 1e9;
        long expected = baseline + accepted.get();
        System.out.printf("all requests answered: %,d emails accepted, %,d requests failed%s%n", accepted.get(), failed.get(),
                firstFailure.get() == null ? "" : " (first: " + firstFailure.get() + ")");

        long deadline = System.nanoTime() + Duration.ofSeconds(visibleTimeout).toNanos();
        long visible;
        long visibleAt;
        while (true) {
            visible = table.count();
            visibleAt = System.nanoTime();
            if (visible >= expected || visibleAt > deadline) {
                break;
            }
            Thread.sleep(200);
        }
        progressThread.interrupt();
        sampler.interrupt();
        heap.sample();
        double visibleSeconds = (visibleAt - started) / 1e9;

        Arrays.sort(latencyMicros);
        System.out.println();
        System.out.printf("RESULT intake %s: emails=%d clients=%d batch=%d distinct_bodies=%d accepted=%d failed_requests=%d%n",
                kind, emails, clients, batch, distinctBodies, accepted.get(), failed.get());
        System.out.printf("RESULT accepted (first request to last 202): %.2f s, %,.0f emails/s%n",
                acceptSeconds, accepted.get() / acceptSeconds);
        System.out.printf("RESULT visible in ClickHouse: %,d of %,d after %.2f s, %,.0f emails/s accepted and visible%s%n",
                visible - baseline, accepted.get(), visibleSeconds, (visible - baseline) / visibleSeconds,
                visible >= expected ? "" : " (TIMED OUT)");
        System.out.printf("RESULT request latency: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                pct(latencyMicros, 50), pct(latencyMicros, 95), pct(latencyMicros, 99),
                latencyMicros[latencyMicros.length - 1] / 1000.0);
        System.out.printf("RESULT api heap: max used %.0f MB, max live after GC %.0f MB (%d samples)%n",
                heap.maxUsed / 1e6, heap.maxLive / 1e6, heap.samples);

        if (!keepRedis) {
            cleanRedis(context);
        }
        return failed.get() == 0 && visible >= expected ? 0 : 1;
    }

    /** The api keeps accepted:<tenant>:<id> for a day; a million of them would sit in the shared Redis. */
    @SuppressWarnings("unchecked")
    private void cleanRedis(ApplicationContext context) {
        RedisCommands<String, String> redis = context.getBean(StatefulRedisConnection.class).sync();
        long deleted = 0;
        long t0 = System.nanoTime();
        ScanArgs match = ScanArgs.Builder.matches(context.getBean(RedisKeys.class).of("accepted", tenant, "*"))
                .limit(5_000);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            var page = redis.scan(cursor, match);
            if (!page.getKeys().isEmpty()) {
                deleted += redis.unlink(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
        } while (!cursor.isFinished());
        System.out.printf("removed %,d accepted:%s:* records from Redis in %.1f s%n", deleted, tenant, (System.nanoTime() - t0) / 1e9);
    }

    private static double pct(long[] sortedMicros, int p) {
        int i = (int) Math.min(sortedMicros.length - 1, Math.ceil(sortedMicros.length * p / 100.0) - 1);
        return sortedMicros[Math.max(0, i)] / 1000.0;
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private byte[] body(String run, long request) {
        return body(run, request, batch);
    }

    private static final String PARAGRAPH = "<p>Here are this month's picks, chosen from what you looked at recently.</p>";
    private static final String SEND_AT = Instant.now().plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();

    /** One batch request: every email has its own recipient, name, subject and body. */
    private byte[] body(String run, long request, int n) {
        StringBuilder json = new StringBuilder(kind.equals("html") ? n * 2_300 : n * 400);
        json.append("{\"emails\":[");
        for (int i = 0; i < n; i++) {
            String who = run + "-" + request + "-" + i;
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"to\":{\"email\":\"customer-").append(who).append("@example.com\",\"name\":\"Customer ")
                    .append(who).append("\"},\"from\":{\"email\":\"news@shop.example\",\"name\":\"Shop\"}");
            if (kind.equals("html")) {
                json.append(",\"subject\":\"Your November picks, Customer ").append(who).append('"')
                        .append(",\"html\":\"<html><body><h1>Hello Customer ").append(who).append("</h1>");
                for (int p = 0; p < 24; p++) {
                    json.append(PARAGRAPH);
                }
                json.append("<p>Your code: ").append(Long.toHexString(request * 1_000_003L + i * 7919L))
                        .append("</p></body></html>\"");
            } else {
                json.append(",\"template\":{\"name\":\"newsletter\",\"version\":4},\"data\":{\"name\":\"Customer ")
                        .append(who).append("\",\"points\":").append(i * 7).append(",\"tier\":\"")
                        .append(i % 3 == 0 ? "gold" : "silver").append("\"}");
            }
            json.append(",\"headers\":{\"X-Campaign\":\"november\"},\"tags\":[\"newsletter\"],\"batch_id\":\"bench-")
                    .append(run).append("\",\"send_at\":\"").append(SEND_AT).append("\"}");
        }
        json.append("]}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Max heap of the api, from its Prometheus endpoint (sum of the heap pools). */
    private final class HeapSampler {
        volatile double maxUsed;
        volatile double maxLive;
        volatile double lastUsed;
        volatile int samples;

        synchronized void sample() {
            try {
                String text = http.send(HttpRequest.newBuilder(URI.create(managementUrl + "/prometheus")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                double used = 0;
                Matcher m = HEAP.matcher(text);
                while (m.find()) {
                    used += Double.parseDouble(m.group(1));
                }
                Matcher live = LIVE.matcher(text);
                if (live.find()) {
                    maxLive = Math.max(maxLive, Double.parseDouble(live.group(1)));
                }
                lastUsed = used;
                maxUsed = Math.max(maxUsed, used);
                samples++;
            } catch (Exception e) {
                // a missed sample is not a failure of the run
            }
        }
    }

    private final class Progress implements Runnable {
        private final long started;
        private final AtomicLong accepted;
        private final SyntheticEmails table;
        private final long baseline;
        private final HeapSampler heap;

        Progress(long started, AtomicLong accepted, SyntheticEmails table, long baseline, HeapSampler heap) {
            this.started = started;
            this.accepted = accepted;
            this.table = table;
            this.baseline = baseline;
            this.heap = heap;
        }

        @Override
        public void run() {
            long lastAccepted = 0;
            long lastVisible = 0;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(Duration.ofSeconds(progressSeconds));
                } catch (InterruptedException e) {
                    return;
                }
                long a = accepted.get();
                long v;
                try {
                    v = table.count() - baseline;
                } catch (RuntimeException e) {
                    v = -1;
                }
                System.out.printf("%6.1f s  accepted %,10d (%,7.0f/s)  visible %,10d (%,7.0f/s)  api heap %4.0f MB%n",
                        (System.nanoTime() - started) / 1e9, a, (a - lastAccepted) / (double) progressSeconds,
                        v, (v - lastVisible) / (double) progressSeconds, heap.lastUsed / 1e6);
                lastAccepted = a;
                lastVisible = v;
            }
        }
    }
}
