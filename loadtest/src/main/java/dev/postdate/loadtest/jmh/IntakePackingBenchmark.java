package dev.postdate.loadtest.jmh;

import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.email.TemplateRef;
import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.intake.IntakePacker;
import io.micronaut.context.ApplicationContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * How fast the api packs a full batch request (1,000 personalized emails) into intake messages,
 * and how fast the ingest consumer decodes them. Scores are emails per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IntakePackingBenchmark {

    private static final int BATCH = 1_000;
    private static final int SQS_BODY_LIMIT = 250_000;

    @Param({"template", "html"})
    public String kind;

    private ApplicationContext context;
    private IntakePacker packer;
    private IntakePacketCodec codec;
    private List<ScheduledEmail> emails;
    private List<String> bodies;

    @Setup(Level.Trial)
    public void setUp() {
        // The ranger module is on this classpath: without this, the benchmark would become a ranger.
        context = ApplicationContext.run(java.util.Map.of("postdate.ranger.enabled", false));
        codec = context.getBean(IntakePacketCodec.class);
        packer = new IntakePacker(codec, SQS_BODY_LIMIT);
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        emails = IntStream.range(0, BATCH).mapToObj(i -> email(i, now)).toList();
        bodies = packBatch();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        context.close();
    }

    private ScheduledEmail email(int i, Instant now) {
        boolean template = kind.equals("template");
        String name = "Customer " + i;
        EmailContent content = new EmailContent(
                new Address("customer" + i + "@example.com", name),
                new Address("news@shop.example", "Shop"),
                null,
                template ? null : "Your November picks, " + name,
                template ? null : "<html><body><h1>Hello " + name + "</h1>"
                        + "<p>Here are this month's picks for you.</p>".repeat(20) + "</body></html>",
                null,
                template ? new TemplateRef("newsletter", 4) : null,
                template ? Map.of("name", name, "points", i * 7, "tier", i % 3 == 0 ? "gold" : "silver") : null,
                Map.of("X-Campaign", "november"),
                List.of("newsletter"),
                null, null, null);
        return new ScheduledEmail(UUID.randomUUID().toString(), "acme", "november",
                now.plusSeconds(3600), now, content);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<String> packBatch() {
        // What the api does per request: each content serialized once, then packed.
        return packer.pack(codec.pack(emails));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decodeBatch(Blackhole blackhole) {
        for (String body : bodies) {
            blackhole.consume(codec.decode(body));
        }
    }
}
