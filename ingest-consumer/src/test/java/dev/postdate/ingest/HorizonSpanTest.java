package dev.postdate.ingest;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static dev.postdate.ingest.IngestTestSupport.await;
import static dev.postdate.ingest.IngestTestSupport.messagesLeft;
import static dev.postdate.ingest.IngestTestSupport.readerCounts;
import static dev.postdate.ingest.IngestTestSupport.send;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One batch whose send times span the api's whole scheduling horizon goes through the real ingest
 * path in one insert, and touches few enough partitions for current ClickHouse, which refuses an
 * insert block over {@code max_partitions_per_insert_block} (100) partitions.
 */
class HorizonSpanTest {

    /** The api's {@code postdate.api.scheduling-horizon}: the furthest send time it accepts. */
    private static final Duration SCHEDULING_HORIZON = Duration.ofDays(400);
    private static final int MAX_PARTITIONS_PER_INSERT_BLOCK = 100;

    private static TestEnvironment env;
    private static EmbeddedServer server;
    private static ClickHouseSql sql;

    @BeforeAll
    static void start() {
        env = TestEnvironment.create(HorizonSpanTest.class);
        server = ApplicationContext.run(EmbeddedServer.class, IngestTestSupport.properties(env, true));
        sql = server.getApplicationContext().getBean(ClickHouseSql.class);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        env.close();
    }

    @Test
    void aBatchOverTheWholeSchedulingHorizonIsIngestedInFewPartitions() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        int days = (int) SCHEDULING_HORIZON.toDays();
        // One email a day from now to the horizon: one packet, so one batch and one insert.
        List<ScheduledEmail> emails = IntStream.rangeClosed(0, days).mapToObj(day -> new ScheduledEmail(
                UUID.randomUUID().toString(), tenant, "", now.plus(Duration.ofDays(day)), now,
                new EmailContent(new Address("user" + day + "@example.com", null),
                        new Address("news@example.com", null), null, "Day " + day, null, "Hi", null, null,
                        Map.of(), List.of(), null, null, null))).toList();
        IntakePacket packet = new IntakePacket(UUID.randomUUID().toString(),
                new IntakePacketCodec(ObjectMapper.getDefault()).pack(emails));
        send(env, server.getApplicationContext(), packet);

        await("every email of the batch", () -> readerCounts(sql, tenant).equals(List.of((long) days + 1, (long) days + 1)));
        await("message deleted", () -> messagesLeft(env, env.intakeQueue()) == 0);
        long partitions = Long.parseLong(sql.select("SELECT uniqExact(partition) FROM system.parts WHERE database = '"
                + sql.database() + "' AND table = 'emails' AND active").getFirst().getFirst());
        assertTrue(partitions < MAX_PARTITIONS_PER_INSERT_BLOCK, partitions + " partitions");
    }
}
