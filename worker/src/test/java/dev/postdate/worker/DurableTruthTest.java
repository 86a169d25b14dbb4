package dev.postdate.worker;

import dev.postdate.clickhouse.outcomes.RangeEmail;
import dev.postdate.clickhouse.outcomes.SendMark;
import dev.postdate.clickhouse.outcomes.SendMarkStore;
import dev.postdate.clickhouse.status.BatchStatusStore;
import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.clickhouse.suppressions.Suppression;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

    @Test
    void aResendAllowedTwiceIsSentOnceAndARecordedDoubtOutlivesRedis() throws Exception {
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 2);
        WorkerFixture.Stored resent = emails.get(0);
        WorkerFixture.Stored doubtful = emails.get(1);
        Instant expireAt = Instant.now().plus(Duration.ofDays(1));
        Instant claimedAt = Instant.ofEpochMilli(Instant.now().toEpochMilli());
        for (WorkerFixture.Stored email : emails) {
            fixture.guard.claim(email.tenant(), email.id(), "dead-worker", claimedAt, expireAt);
            fixture.guard.markSendingAsync(email.tenant(), email.id(), "dead-worker", claimedAt, expireAt)
                    .toCompletableFuture().join();
            fixture.statuses.record(email.tenant(), email.id(), "", Instant.ofEpochSecond(email.sendAt()), email.seq(),
                    new EmailEvent(EmailStatus.IN_DOUBT, Instant.now(), "attempt timed out"));
        }
        // Two resolutions raced (the api's compare-and-set) and each queued a single-email range.
        fixture.guard.resolveInDoubt(resent.tenant(), resent.id(), false, Instant.now(), expireAt);
        fixture.guard.resolveInDoubt(resent.tenant(), resent.id(), false, Instant.now(), expireAt);
        fixture.publish(WorkerFixture.rangeOf("resend-a", List.of(resent), 1));
        fixture.publish(WorkerFixture.rangeOf("resend-b", List.of(resent), 1));
        // The other one stays in doubt although Redis forgot its sending mark.
        fixture.redis().sync().del(fixture.guard.key(doubtful.tenant(), doubtful.id()));
        fixture.publish(WorkerFixture.rangeOf("doubt", List.of(doubtful), 1));

        ApplicationContext worker = fixture.startWorker("w-resend", Map.of("postdate.worker.sender", "blackhole"));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
        assertEquals(List.of(resent.id()), WorkerFixture.recorder(worker).sentIds());
        assertEquals(EmailStatus.SENT, fixture.state(resent));
        assertEquals(EmailStatus.IN_DOUBT, fixture.state(doubtful));
    }

    @Test
    void outcomesReachClickHouseDuringThePassNotOnlyAtItsEnd() throws Exception {
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 10);
        ApplicationContext worker = fixture.startWorker("w-flush", Map.of("postdate.worker.sender", "blackhole",
                "postdate.worker.send-parallelism", 1, "postdate.worker.outcome-flush-interval", "200ms"));
        RecordingSenders recorder = WorkerFixture.recorder(worker);
        recorder.gate.drainPermits();
        recorder.gate.release(3);
        fixture.publish(WorkerFixture.rangeOf("t1-flush", emails, emails.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> recorder.calls.size() == 3
                && recorder.gate.hasQueuedThreads()));
        // The pass is held at its fourth send; the first three are durable already.
        assertTrue(WorkerFixture.await(Duration.ofSeconds(10), () -> emails.stream()
                .filter(email -> fixture.state(email) == EmailStatus.SENT).count() == 3));
        recorder.gate.release(Integer.MAX_VALUE / 2);
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));
        assertEquals(10, recorder.calls.size());
    }

    @Test
    void sendsWhoseOutcomesAreNotYetInClickHouseAreNotSentAgainAfterRedisLostItsData() throws Exception {
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 3);
        // Outcomes stay in the worker until its pass ends: the third send is held at the provider.
        ApplicationContext first = fixture.startWorker("w-unrecorded", Map.of("postdate.worker.sender", "blackhole",
                "postdate.worker.concurrency", 1, "postdate.worker.send-parallelism", 1, "postdate.worker.mark-ahead", 0,
                "postdate.worker.outcome-flush-interval", "1h"));
        RecordingSenders firstCalls = WorkerFixture.recorder(first);
        firstCalls.gate.drainPermits();
        firstCalls.gate.release(2);
        fixture.publish(WorkerFixture.rangeOf("t1-unrecorded", emails, emails.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> firstCalls.calls.size() == 2
                && firstCalls.gate.hasQueuedThreads()));
        for (WorkerFixture.Stored email : emails) {
            assertNotEquals(EmailStatus.SENT, fixture.state(email), "no outcome stored yet");
            assertEquals(1, sendingMarks(email), "the mark is stored before the provider is called");
        }

        // Redis loses everything while the outcomes live only in the first worker; the range comes again.
        assertTrue(emptyRedis() > 0);
        ApplicationContext second = fixture.startWorker("w-after-loss", Map.of("postdate.worker.sender", "blackhole"));
        fixture.publish(WorkerFixture.rangeOf("t1-unrecorded", emails, emails.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> emails.stream()
                .allMatch(email -> fixture.state(email) == EmailStatus.IN_DOUBT)));
        assertEquals(List.of(), WorkerFixture.recorder(second).sentIds(), "nothing whose send may have begun is resent");
        assertEquals(2, firstCalls.calls.size());

        // The first worker's call returns and its outcomes land: sent wins over the doubt.
        firstCalls.gate.release(Integer.MAX_VALUE / 2);
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0
                && emails.stream().allMatch(email -> fixture.state(email) == EmailStatus.SENT)));
        assertEquals(3, firstCalls.calls.size() + WorkerFixture.recorder(second).calls.size());
    }

    @Test
    void aStoredSendMarkDecidesOnlyWhereRedisLostTheGuardAndOnlyUntilItsWorkerReleasedIt() throws Exception {
        List<WorkerFixture.Stored> emails = fixture.insert("acme", "", 5);
        WorkerFixture.Stored begun = emails.get(0);
        WorkerFixture.Stored released = emails.get(1);
        WorkerFixture.Stored releasedByOneOnly = emails.get(2);
        WorkerFixture.Stored sentInRedis = emails.get(3);
        WorkerFixture.Stored unmarked = emails.get(4);
        SendMarkStore marks = fixture.control.getBean(SendMarkStore.class);
        marks.record(List.of(
                mark(begun, "dead-worker", SendMark.Kind.SENDING, 1),
                mark(released, "dead-worker", SendMark.Kind.SENDING, 1),
                mark(released, "dead-worker", SendMark.Kind.RELEASED, 2),
                mark(releasedByOneOnly, "dead-worker", SendMark.Kind.SENDING, 5),
                mark(releasedByOneOnly, "other-worker", SendMark.Kind.SENDING, 1),
                mark(releasedByOneOnly, "other-worker", SendMark.Kind.RELEASED, 2),
                mark(sentInRedis, "dead-worker", SendMark.Kind.SENDING, 1)), Duration.ofSeconds(10));
        // Redis kept only the sent mark of one (its outcome never reached ClickHouse).
        fixture.guard.markSent(sentInRedis.tenant(), sentInRedis.id(), "dead-worker", Instant.now(), "provider-1",
                Instant.now().plus(Duration.ofDays(1)));

        ApplicationContext worker = fixture.startWorker("w-marks", Map.of("postdate.worker.sender", "blackhole"));
        fixture.publish(WorkerFixture.rangeOf("t1-marks", emails, emails.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));

        assertEquals(Set.of(released.id(), unmarked.id()), new HashSet<>(WorkerFixture.recorder(worker).sentIds()));
        assertEquals(EmailStatus.IN_DOUBT, fixture.state(begun));
        assertEquals(EmailStatus.IN_DOUBT, fixture.state(releasedByOneOnly), "one worker's release says nothing of another's send");
        assertEquals(EmailStatus.SENT, fixture.state(sentInRedis), "the guard decides where Redis has it");
        assertEquals(EmailStatus.SENT, fixture.state(released));
        assertEquals(EmailStatus.SENT, fixture.state(unmarked));
    }

    @Test
    void anEmailNotToBeSentWhoseSendMayHaveBegunIsInDoubtNotCancelledOrSuppressed() throws Exception {
        // Each has an unreleased send mark of a dead worker and no guard (Redis lost it): its send may
        // have happened, so neither a cancelled batch nor a suppression may call it not sent.
        WorkerFixture.Stored inCancelledBatch = fixture.insert("acme-stop", "stopped", 1).getFirst();
        WorkerFixture.Stored toSuppressed = fixture.insert("acme-stop", "", 1).getFirst();
        fixture.batches.cancel("acme-stop", "stopped", Duration.ofHours(1));
        fixture.control.getBean(SuppressionStore.class).add("acme-stop", List.of(
                new Suppression(toSuppressed.to(), "hard_bounce", "test", Instant.now(), null)));
        fixture.control.getBean(SendMarkStore.class).record(List.of(
                mark(inCancelledBatch, "dead-worker", SendMark.Kind.SENDING, 1),
                mark(toSuppressed, "dead-worker", SendMark.Kind.SENDING, 1)), Duration.ofSeconds(10));

        ApplicationContext worker = fixture.startWorker("w-stop", Map.of("postdate.worker.sender", "blackhole"));
        List<WorkerFixture.Stored> both = List.of(inCancelledBatch, toSuppressed);
        fixture.publish(WorkerFixture.rangeOf("t1-stop", both, both.size()));
        assertTrue(WorkerFixture.await(Duration.ofSeconds(30), () -> fixture.messagesLeft(fixture.env.rangesQueue()) == 0));

        assertEquals(List.of(), WorkerFixture.recorder(worker).sentIds());
        assertEquals(EmailStatus.IN_DOUBT, fixture.state(inCancelledBatch));
        assertEquals(EmailStatus.IN_DOUBT, fixture.state(toSuppressed));
    }

    private static SendMark mark(WorkerFixture.Stored email, String worker, SendMark.Kind kind, long version) {
        return new SendMark(new RangeEmail(email.id(), email.tenant(), email.batchId(), email.sendAt(), email.seq(),
                new byte[0]), worker, kind, version);
    }

    private long sendingMarks(WorkerFixture.Stored email) {
        return Long.parseLong(fixture.sql.select("SELECT count() FROM " + fixture.sql.table("send_marks")
                + " WHERE id = '" + email.id() + "' AND mark = 'sending'").getFirst().getFirst());
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
