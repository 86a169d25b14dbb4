package dev.postdate.ranger;

import com.clickhouse.client.api.Client;
import dev.postdate.clickhouse.ClickHouseClientFactory;
import dev.postdate.clickhouse.ClickHouseSettings;
import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.migrations.Migrator;
import dev.postdate.clickhouse.ranging.RangeSql;
import dev.postdate.clickhouse.ranging.RangerJournal;
import dev.postdate.clickhouse.ranging.ReadyEmails;
import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.redis.RedisSettings;
import dev.postdate.core.sqs.QueueUrls;
import dev.postdate.core.sqs.SqsSettings;
import dev.postdate.core.testing.TestEnvironment;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.ApplicationContext;
import io.micronaut.serde.ObjectMapper;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real ClickHouse, Redis and SQS for ranger tests, with the pieces of a ranger built by hand so
 * that a test controls the clock, the horizon, the instance id and the faults.
 */
final class RangerFixture implements AutoCloseable {

    static final int RANGE_SIZE = 40;
    /** Small, so that ticks take several steps and faults land between them. */
    static final int MAX_RANGES_PER_TICK = 3;

    final TestEnvironment env;
    final ApplicationContext context;
    final ClickHouseSql sql;
    /** Where emails are inserted: on the local cluster another replica than the one the ranger reads. */
    private final ClickHouseSql inserts;
    private final Client otherReplicaClient;
    final ReadyEmails readyEmails;

    RangerFixture(Class<?> testClass, Duration lease) {
        env = TestEnvironment.create(testClass);
        Map<String, Object> properties = new HashMap<>(env.properties());
        properties.put("postdate.ranger.enabled", "false");
        // The fixture migrates below; concurrent starts are MigratorTest's subject.
        properties.put("postdate.clickhouse.migrate-on-start", "false");
        properties.put("postdate.ranger.range-size", RANGE_SIZE);
        properties.put("postdate.ranger.max-ranges-per-tick", MAX_RANGES_PER_TICK);
        properties.put("postdate.ranger.lease-duration", lease.toMillis() + "ms");
        context = ApplicationContext.run(properties);
        sql = context.getBean(ClickHouseSql.class);
        new Migrator(sql).migrate();
        readyEmails = context.getBean(ReadyEmails.class);
        String otherReplica = env.services().clickhouseOtherReplicaUrl();
        if (otherReplica.isEmpty()) {
            otherReplicaClient = null;
            inserts = sql;
        } else {
            ClickHouseSettings settings = context.getBean(ClickHouseSettings.class);
            otherReplicaClient = ClickHouseClientFactory.newClient(settings.withUrl(otherReplica));
            inserts = new ClickHouseSql(otherReplicaClient, settings.database(), settings.cluster());
        }
    }

    RangerSettings settings(String instanceId) {
        RangerSettings configured = context.getBean(RangerSettings.class);
        return new RangerSettings(configured.tickInterval(), configured.rangeSize(), configured.maxRangesPerTick(),
                configured.leaseDuration(), instanceId, configured.stopGrace());
    }

    LeaderLease lease(String instanceId) {
        return new LeaderLease(redis(), context.getBean(RedisSettings.class), settings(instanceId));
    }

    RangerStateStore store() {
        return new RangerStateStore(redis(), context.getBean(RedisSettings.class));
    }

    DurableRangerState state() {
        return new DurableRangerState(store(), context.getBean(RangerJournal.class));
    }

    RangerTick tick(SeqHorizon horizon, RangePublisher publisher, Clock clock) {
        return new RangerTick(state(), readyEmails, horizon, publisher, settings("tick"), clock);
    }

    RangePublisher publisher() {
        return context.getBean(RangePublisher.class);
    }

    /** A publisher that can be told to fail before, during or after putting ranges on the queue. */
    FaultyPublisher faultyPublisher() {
        return new FaultyPublisher(context.getBean(SqsAsyncClient.class), context.getBean(QueueUrls.class),
                context.getBean(SqsSettings.class), context.getBean(ObjectMapper.class));
    }

    /** Inserts emails the way the ingest consumer does: key columns plus placeholders. */
    void insert(List<long[]> sendAtAndSeq) {
        StringBuilder values = new StringBuilder();
        for (long[] row : sendAtAndSeq) {
            if (!values.isEmpty()) {
                values.append(", ");
            }
            values.append("(toDateTime(").append(row[0]).append(", 'UTC'), ").append(row[1])
                    .append(", 'e").append(row[1]).append("', 'tenant', '', toDateTime(").append(row[0])
                    .append(", 'UTC'), '{}')");
        }
        inserts.execute("INSERT INTO " + sql.table("emails")
                + " (send_at, seq, id, tenant, batch_id, accepted_at, payload) VALUES " + values);
    }

    /** Every range on the queue, removed from it. */
    List<RangeMessage> drainRanges() {
        ObjectMapper json = context.getBean(ObjectMapper.class);
        String url = env.sqs().getQueueUrl(r -> r.queueName(env.rangesQueue())).queueUrl();
        List<RangeMessage> ranges = new ArrayList<>();
        while (true) {
            List<Message> messages = env.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages();
            if (messages.isEmpty()) {
                return ranges;
            }
            for (Message message : messages) {
                try {
                    ranges.add(json.readValue(message.body(), RangeMessage.class));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                env.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(message.receiptHandle()));
            }
        }
    }

    /** Seqs of the distinct emails inside a range, read the way a worker reads. */
    List<Long> seqsIn(RangeMessage range) {
        return sql.select("SELECT DISTINCT seq FROM " + sql.table("emails") + " WHERE "
                + RangeSql.where(range.bounds())).stream()
                .map(row -> Long.parseLong(row.getFirst())).toList();
    }

    /** The ranger state's hash in Redis, as it is now. */
    Map<String, String> redisState() {
        return redis().sync().hgetall(stateKey());
    }

    /**
     * Puts Redis back to an earlier copy of the ranger state, or empties it ({@code earlier} empty):
     * what a Redis that lost its last writes, or everything, shows the ranger after a restart.
     */
    void loseRedisWrites(Map<String, String> earlier) {
        redis().sync().del(stateKey());
        if (!earlier.isEmpty()) {
            redis().sync().hset(stateKey(), earlier);
        }
    }

    /** Ends the leader's lease as its running out does: what a killed leader leaves behind. */
    void expireLease() {
        redis().sync().del(LeaderLease.leaderKey(context.getBean(RedisSettings.class)));
    }

    private String stateKey() {
        return context.getBean(RedisSettings.class).keyPrefix() + "ranger:state";
    }

    private StatefulRedisConnection<String, String> redis() {
        @SuppressWarnings("unchecked")
        StatefulRedisConnection<String, String> connection = context.getBean(StatefulRedisConnection.class);
        return connection;
    }

    @Override
    public void close() throws Exception {
        if (otherReplicaClient != null) {
            otherReplicaClient.close();
        }
        context.close();
        env.close();
    }
}
