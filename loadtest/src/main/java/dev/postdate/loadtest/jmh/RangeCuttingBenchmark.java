package dev.postdate.loadtest.jmh;

import dev.postdate.clickhouse.TabSeparated;
import dev.postdate.core.range.EmailKey;
import dev.postdate.core.range.RangeMessage;
import dev.postdate.ranger.RangeCutter;
import io.micronaut.context.ApplicationContext;
import io.micronaut.serde.ObjectMapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The ranger's in-process share of a tick over 100,000 ready emails, ClickHouse and SQS left out: from
 * the key rows as ClickHouse answers them (TabSeparated), parse, cut into ranges of 5,000 and encode
 * every range message as the publisher sends it. The cut alone is not measured apart: it takes one
 * sublist per range, whatever the number of emails. Scores are emails per second on one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RangeCuttingBenchmark {

    private static final int EMAILS = 100_000;
    private static final int RANGE_SIZE = 5_000;
    /** Most of a burst shares its second; the rest spread over the following minute. */
    private static final long DUE = 1_796_000_000L;

    private ApplicationContext context;
    private ObjectMapper json;
    private final RangeCutter cutter = new RangeCutter(RANGE_SIZE);
    private List<String> rows;

    @Setup(Level.Trial)
    public void setUp() {
        // The ranger module is on this classpath: without this, the benchmark would become a ranger.
        context = ApplicationContext.run(Map.of("postdate.ranger.enabled", false));
        json = context.getBean(ObjectMapper.class);
        List<EmailKey> keys = new ArrayList<>(EMAILS);
        rows = new ArrayList<>(EMAILS);
        for (int i = 0; i < EMAILS; i++) {
            keys.add(new EmailKey(i % 10 == 0 ? DUE + i % 60 : DUE, 1_000_000L + i));
        }
        keys.sort(null);
        for (EmailKey key : keys) {
            rows.add(key.sendAtEpochSecond() + "\t" + key.seq());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        context.close();
    }

    @Benchmark
    @OperationsPerInvocation(EMAILS)
    public void parseCutEncode(Blackhole blackhole) throws IOException {
        List<EmailKey> parsed = new ArrayList<>(rows.size());
        for (String row : rows) {
            List<String> values = TabSeparated.parseLine(row);
            parsed.add(new EmailKey(Long.parseLong(values.get(0)), Long.parseLong(values.get(1))));
        }
        List<RangeCutter.Cut> cuts = cutter.cutDue(parsed, Long.MAX_VALUE, null);
        for (int i = 0; i < cuts.size(); i++) {
            RangeCutter.Cut cut = cuts.get(i);
            blackhole.consume(json.writeValueAsString(new RangeMessage("1-d" + i, 1, cut.bounds(), cut.expected(), 7)));
        }
    }
}
