package dev.postdate.worker;

import dev.postdate.clickhouse.status.BatchStatusStore;
import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.core.state.EmailStatus;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.sync.RedisCommands;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis is a cache of ClickHouse's truth: emptied, it costs no resend and loses no cancel. */
class DurableTruthTest {

    private WorkerFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new WorkerFixture(getClass());
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void anEmptiedRedisResendsNothingThatWasSent() throws Exception {
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 20);
        ApplicationContext worker = fixture.startWorker("w-durable", Map.of("postdate.worker.sender", "blackhole"));
        fixture.publish(WorkerFixture.rangeOf("t1-durable", emails, emails.size()));
        RecordingSenders recorder = WorkerFixture.recorder(worker);
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
        assertEquals(20, recorder.calls.size());

        assertTrue(emptyRedis() > 0, "the guards, range-done and the rest were in Redis");
        fixture.publish(WorkerFixture.rangeOf("t1-durable", emails, emails.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));

        assertEquals(20, recorder.calls.size(), "nothing sent again");
        assertEquals(20, new HashSet<>(recorder.sentIds()).size());
        for (WorkerFixture.Stored email : emails) {
            assertEquals(EmailStatus.SENT, fixture.state(email));
        }
    }

    @Test
    void cancelsRecordedInClickHouseHoldAfterRedisWasEmptied() throws Exception {
        List<WorkerFixture.Stored> loose = fixture.insert("acme", "", 4);
        List<WorkerFixture.Stored> batch = fixture.insert("acme", "spring", 3);
        List<WorkerFixture.Stored> emails = new ArrayList<>(loose);
        emails.addAll(batch);
        WorkerFixture.Stored cancelled = loose.getFirst();
        // What the api does for a cancel: the guard, then the event under the email's key...
        fixture.guard.cancel(cancelled.tenant(), cancelled.id(), Instant.now().plus(Duration.ofDays(1)));
        fixture.statuses.record(cancelled.tenant(), cancelled.id(), "", Instant.ofEpochSecond(cancelled.sendAt()),
                cancelled.seq(), new EmailEvent(EmailStatus.CANCELLED, Instant.now(), "cancelled through the api"));
        // ... and one recorded before the email was ingested: no seq yet.
        WorkerFixture.Stored early = loose.get(1);
        fixture.statuses.record(early.tenant(), early.id(), "", Instant.ofEpochSecond(early.sendAt()), 0,
                new EmailEvent(EmailStatus.CANCELLED, Instant.now(), "cancelled through the api"));
        // A batch cancel: Redis and batch_controls.
        fixture.batches.cancel("acme", "spring", Duration.ofDays(1));
        fixture.control.getBean(BatchStatusStore.class).recordControl("acme", "spring", "cancel", Instant.now());

        assertTrue(emptyRedis() > 0);
        ApplicationContext worker = fixture.startWorker("w-cancels", Map.of("postdate.worker.sender", "blackhole"));
        fixture.publish(WorkerFixture.rangeOf("t1-cancels", emails, emails.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));

        List<String> sent = WorkerFixture.recorder(worker).sentIds();
        assertEquals(2, sent.size());
        assertEquals(Set.of(loose.get(2).id(), loose.get(3).id()), new HashSet<>(sent));
        for (WorkerFixture.Stored email : List.of(cancelled, early, batch.get(0), batch.get(1), batch.get(2))) {
            assertFalse(sent.contains(email.id()), "a durable cancel holds");
            assertEquals(EmailStatus.CANCELLED, fixture.state(email));
        }
    }

    /** Deletes every key of this test's prefix, as a Redis restored empty would have none. */
    private int emptyRedis() {
        RedisCommands<String, String> redis = fixture.redis().sync();
        String prefix = String.valueOf(fixture.env.properties().get("postdate.redis.key-prefix"));
        List<String> keys = new ArrayList<>();
        ScanIterator.scan(redis, ScanArgs.Builder.matches(prefix + "*").limit(1000)).forEachRemaining(keys::add);
        if (!keys.isEmpty()) {
            redis.del(keys.toArray(String[]::new));
        }
        return keys.size();
    }
}
