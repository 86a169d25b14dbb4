package dev.postdate.loadtest.campaigns;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.senders.SenderIdentityStore;
import dev.postdate.clickhouse.audiences.AudienceStore;
import dev.postdate.clickhouse.audiences.AudienceVersion;
import dev.postdate.clickhouse.campaigns.Campaign;
import dev.postdate.clickhouse.campaigns.CampaignStore;
import dev.postdate.clickhouse.campaigns.OccurrenceStore;
import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.clickhouse.synthetic.SyntheticContacts;
import dev.postdate.core.campaign.AudienceRef;
import dev.postdate.core.campaign.CampaignSchedule;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.campaign.CampaignState;
import dev.postdate.core.campaign.CatchUp;
import dev.postdate.core.campaign.Overlap;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.TemplateRef;
import dev.postdate.expander.ExpanderLoop;
import dev.postdate.loadtest.ToolContext;
import io.micronaut.context.ApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Expansion of one campaign occurrence (issue 19's goals: 100,000 recipients expanded in <= 10 s,
 * 1,000,000 in <= 60 s). Generates the contacts in ClickHouse, then times one expander round over an
 * occurrence due now: every eligible contact read page by page, turned into an email, published to
 * an intake queue of its own (created and deleted here) and checkpointed. Ingesting the emails is the
 * ingest consumer's part, measured by the intake benchmarks; this is the expander's.
 */
@Command(name = "expansion-benchmark", mixinStandardHelpOptions = true)
public class ExpansionBenchmark implements Callable<Integer> {

    private static final String TENANT = "bench";
    private static final String QUEUE = "bench-expansion-intake";
    /** Every synthetic contact: the audience is all of them, the active nine in ten are mailed. */
    private static final String RULE = "{\"attr\": \"plan\", \"op\": \"in\", \"value\": [\"pro\", \"free\", \"team\"]}";

    @Option(names = "--contacts", defaultValue = "111112", description = "contacts of the tenant (9 in 10 are active)")
    long contacts;

    @Option(names = "--chunk", defaultValue = "20000", description = "recipients per page (postdate.expander.chunk)")
    int chunk;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ExpansionBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        // The expander's settings as its application.yml has them, which is not on this class path.
        try (ApplicationContext context = ToolContext.run(Map.ofEntries(
                Map.entry("postdate.clickhouse.database", "bench_expansion"),
                Map.entry("postdate.clickhouse.migrate-on-start", false),
                Map.entry("postdate.sqs.intake-queue", QUEUE),
                Map.entry("postdate.expander.chunk", chunk),
                Map.entry("postdate.expander.interval", "5s"),
                Map.entry("postdate.expander.lead", "10m"),
                Map.entry("postdate.expander.claim-ttl", "2m"),
                Map.entry("postdate.expander.instance-id", "expansion-benchmark"),
                Map.entry("postdate.expander.write-attempts", 8),
                Map.entry("postdate.expander.max-packet-bytes", 250000),
                Map.entry("postdate.expander.max-sqs-call-bytes", 262144),
                Map.entry("postdate.expander.sqs-max-in-flight", 16),
                Map.entry("postdate.expander.sqs-attempts", 3)))) {
            ClickHouseSql sql = context.getBean(ClickHouseSql.class);
            SqsAsyncClient sqs = context.getBean(SqsAsyncClient.class);
            sqs.createQueue(r -> r.queueName(QUEUE)).join();
            try {
                Instant now = Instant.now();
                long started = System.nanoTime();
                new SyntheticContacts(sql).generate(TENANT, contacts, now.toEpochMilli());
                System.out.printf("generated %,d contacts in %.1f s%n", contacts, seconds(started));

                context.getBean(SenderIdentityStore.class).add(TENANT, "example.com");
                String audienceId = UUID.randomUUID().toString();
                context.getBean(AudienceStore.class).insert(new AudienceVersion(TENANT, audienceId, 1, "all", RULE, now));
                CampaignSpec spec = new CampaignSpec("bench", new TemplateRef("bench", 1), new AudienceRef(audienceId, 1),
                        new Address("news@example.com", null), null, null, CampaignSchedule.once(now.plusSeconds(60)), null,
                        null, List.of(), CatchUp.skipOlderThan(Duration.ofHours(1)), Overlap.RUN, null, null);
                Campaign campaign = new Campaign(TENANT, UUID.randomUUID().toString(), 1, CampaignState.SCHEDULED, spec,
                        now, now);
                context.getBean(CampaignStore.class).save(campaign);

                started = System.nanoTime();
                context.getBean(ExpanderLoop.class).round();
                double took = seconds(started);
                StoredOccurrence done = context.getBean(OccurrenceStore.class).find(TENANT, campaign.id(), 1).orElseThrow();
                if (done.state() != StoredOccurrence.State.EXPANDED) {
                    throw new IllegalStateException("occurrence not expanded: " + done);
                }
                System.out.printf("expanded %,d recipients (pages of %,d) in %.2f s: %,.0f emails/s%n", done.expanded(),
                        chunk, took, done.expanded() / took);
                return 0;
            } finally {
                String url = sqs.getQueueUrl(r -> r.queueName(QUEUE)).join().queueUrl();
                sqs.deleteQueue(r -> r.queueUrl(url)).join();
            }
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
