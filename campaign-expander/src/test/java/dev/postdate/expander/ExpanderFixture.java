package dev.postdate.expander;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.audiences.AudienceMembers;
import dev.postdate.clickhouse.audiences.AudienceStore;
import dev.postdate.clickhouse.audiences.AudienceVersion;
import dev.postdate.clickhouse.campaigns.Campaign;
import dev.postdate.clickhouse.campaigns.CampaignRecipients;
import dev.postdate.clickhouse.campaigns.CampaignStore;
import dev.postdate.clickhouse.campaigns.OccurrenceStore;
import dev.postdate.clickhouse.campaigns.StoredOccurrence;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.clickhouse.senders.SenderIdentityStore;
import dev.postdate.clickhouse.status.BatchStatusStore;
import dev.postdate.core.campaign.CampaignSpec;
import dev.postdate.core.campaign.CampaignState;
import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.intake.IntakePublisher;
import dev.postdate.core.intake.PackedEmail;
import dev.postdate.core.redis.RedisKeys;
import dev.postdate.core.testing.MutableClock;
import dev.postdate.core.testing.TestEnvironment;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Real ClickHouse, Redis and SQS for expander tests; expanders are built by hand so that a test owns
 * the clock, the instance id and the publisher (to crash one between SQS and its checkpoint).
 */
final class ExpanderFixture implements AutoCloseable {

    final TestEnvironment env;
    final ApplicationContext context;
    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    final CampaignStore campaigns;
    final OccurrenceStore occurrences;
    final AudienceStore audiences;
    private final String intakeUrl;

    ExpanderFixture(Class<?> testClass, int chunk) {
        env = TestEnvironment.create(testClass);
        Map<String, Object> properties = new HashMap<>(env.properties());
        properties.put("postdate.expander.enabled", "false");
        properties.put("postdate.clickhouse.migrate-on-start", "false");
        properties.put("postdate.expander.chunk", chunk);
        context = ApplicationContext.run(properties);
        new Migrator(context.getBean(ClickHouseSql.class)).migrate();
        campaigns = context.getBean(CampaignStore.class);
        occurrences = context.getBean(OccurrenceStore.class);
        audiences = context.getBean(AudienceStore.class);
        intakeUrl = env.sqs().getQueueUrl(r -> r.queueName(env.intakeQueue())).queueUrl();
    }

    ExpanderSettings settings(String instanceId) {
        ExpanderSettings s = context.getBean(ExpanderSettings.class);
        return new ExpanderSettings(s.interval(), s.lead(), s.chunk(), s.claimTtl(), instanceId, s.writeAttempts(),
                s.maxPacketBytes(),
                s.maxSqsCallBytes(), s.sqsMaxInFlight(), s.sqsAttempts());
    }

    OccurrenceClaims claims(String instanceId) {
        return new OccurrenceClaims(context.getBean(StatefulRedisConnection.class), context.getBean(RedisKeys.class),
                settings(instanceId));
    }

    /** An expander named {@code instanceId} publishing through {@code publisher}. */
    ExpanderLoop expander(String instanceId, IntakePublisher publisher) {
        ExpanderSettings settings = settings(instanceId);
        ExpanderMetrics metrics = context.getBean(ExpanderMetrics.class);
        OccurrenceExpander expander = new OccurrenceExpander(campaigns, occurrences, audiences,
                context.getBean(AudienceMembers.class), context.getBean(CampaignRecipients.class),
                context.getBean(SenderIdentityStore.class), publisher, claims(instanceId), settings, metrics, clock);
        return new ExpanderLoop(campaigns, occurrences, context.getBean(BatchStatusStore.class),
                context.getBean(CampaignRecipients.class), expander, settings,
                metrics, clock);
    }

    ExpanderLoop expander(String instanceId) {
        return expander(instanceId, context.getBean(IntakePublisher.class));
    }

    AudienceVersion audience(String tenant, String id, int version, String rule) {
        AudienceVersion v = new AudienceVersion(tenant, id, version, "audience", rule, clock.instant());
        audiences.insert(v);
        return v;
    }

    Campaign campaign(String tenant, CampaignSpec spec, CampaignState state) {
        Campaign c = new Campaign(tenant, UUID.randomUUID().toString(), 1, state, spec, clock.instant(), clock.instant());
        campaigns.save(c);
        return c;
    }

    StoredOccurrence occurrence(Campaign c, int number) {
        return occurrences.find(c.tenant(), c.id(), number).orElseThrow();
    }

    /** Every email on the intake queue now, in packet order; the messages are deleted. */
    List<PackedEmail> drainIntake() {
        IntakePacketCodec codec = context.getBean(IntakePacketCodec.class);
        List<PackedEmail> emails = new ArrayList<>();
        while (true) {
            List<Message> messages = env.sqs().receiveMessage(r -> r.queueUrl(intakeUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages();
            if (messages.isEmpty()) {
                return emails;
            }
            for (Message m : messages) {
                IntakePacket packet = codec.decode(m.body());
                emails.addAll(packet.emails());
                env.sqs().deleteMessage(r -> r.queueUrl(intakeUrl).receiptHandle(m.receiptHandle()));
            }
        }
    }

    @Override
    public void close() throws Exception {
        context.close();
        env.close();
    }
}
