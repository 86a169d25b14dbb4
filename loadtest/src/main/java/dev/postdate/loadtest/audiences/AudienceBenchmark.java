package dev.postdate.loadtest.audiences;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.audiences.AudienceCounts;
import dev.postdate.clickhouse.audiences.Rule;
import dev.postdate.clickhouse.audiences.RuleParser;
import dev.postdate.clickhouse.synthetic.SyntheticContacts;
import dev.postdate.loadtest.ToolContext;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Audiences over many contacts (issue 18's goals: a 3-condition count over 10M contacts in <= 1 s,
 * over 1M in <= 150 ms; the 100,000 recipients of such an audience selected in <= 2 s). Generates the
 * contacts in ClickHouse (one in ten with a second, unmerged version), then times the count and the
 * selection of 100,000 eligible recipients (the sample query at that size), each several times.
 */
@Command(name = "audience-benchmark", mixinStandardHelpOptions = true)
public class AudienceBenchmark implements Callable<Integer> {

    private static final String TENANT = "bench";
    /** Matches about a fifth of the contacts (plan pro: 1/3, country DE or FR: 2/5, churn_risk < 0.8: 4/5). */
    private static final String RULE = """
            {"all": [{"attr": "plan", "op": "eq", "value": "pro"},
                     {"attr": "country", "op": "in", "value": ["DE", "FR"]},
                     {"attr": "churn_risk", "op": "lt", "value": 0.8}]}""";

    @Option(names = "--contacts", defaultValue = "10000000", description = "contacts of the tenant")
    long contacts;

    @Option(names = "--runs", defaultValue = "5", description = "timed runs of each query")
    int runs;

    @Option(names = "--select", defaultValue = "100000", description = "recipients the selection reads")
    int select;

    public static void main(String[] args) {
        System.exit(new CommandLine(new AudienceBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try (ApplicationContext context = ToolContext.run(Map.of(
                "postdate.clickhouse.database", "bench_audience",
                "postdate.clickhouse.migrate-on-start", false))) {
            ClickHouseSql sql = context.getBean(ClickHouseSql.class);
            SyntheticContacts synthetic = new SyntheticContacts(sql);
            Instant now = Instant.now();
            long started = System.nanoTime();
            synthetic.generate(TENANT, contacts, now.toEpochMilli());
            System.out.printf("generated %,d contacts (+%,d second versions) in %.1f s%n", contacts, contacts / 10,
                    seconds(started));

            List<RuleParser.Problem> problems = new ArrayList<>();
            Rule rule = RuleParser.parse(context.getBean(JsonMapper.class).readValue(RULE, JsonNode.class), "rule", problems);
            if (rule == null) {
                throw new IllegalStateException(problems.toString());
            }
            AudienceCounts counts = context.getBean(AudienceCounts.class);
            long[] eligible = new long[1];
            double[] count = time(() -> eligible[0] = counts.count(TENANT, rule, now, null).eligible());
            System.out.printf("count (3 conditions, %,d contacts): %,d eligible; median %.0f ms, max %.0f ms%n",
                    contacts, eligible[0], count[count.length / 2] * 1000, count[count.length - 1] * 1000);

            int[] read = new int[1];
            // The sample's query (suppressions excluded, ordered by a hash of the id) at the size of a campaign.
            double[] selection = time(() -> read[0] = counts.sample(TENANT, rule, now, null, select).size());
            System.out.printf("select %,d recipients: median %.0f ms, max %.0f ms%n", read[0],
                    selection[selection.length / 2] * 1000, selection[selection.length - 1] * 1000);
            return 0;
        }
    }

    private double[] time(Runnable query) {
        double[] seconds = new double[runs];
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            query.run();
            seconds[i] = seconds(started);
        }
        Arrays.sort(seconds);
        return seconds;
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
