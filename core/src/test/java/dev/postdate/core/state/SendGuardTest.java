package dev.postdate.core.state;

import dev.postdate.core.redis.RedisKeys;
import dev.postdate.core.redis.RedisSettings;
import dev.postdate.core.testing.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against the real Redis; every test uses its own tenant so runs never see each other's keys. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendGuardTest {

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private SendGuard guard;
    private BatchControls batches;
    private final Instant expireAt = Instant.now().plus(Duration.ofHours(1));

    @BeforeAll
    void connect() {
        client = RedisClient.create(TestServices.current().redisUri());
        connection = client.connect();
        RedisKeys keys = new RedisKeys(new RedisSettings(TestServices.current().redisUri(),
                "test_sendguard_" + UUID.randomUUID() + ":", Duration.ofSeconds(10)));
        guard = new SendGuard(connection, keys);
        batches = new BatchControls(connection, keys);
    }

    @AfterAll
    void close() {
        connection.close();
        client.shutdown();
    }

    private static String tenant() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void cancelBeforeClaimWinsAndTheClaimFails() {
        String tenant = tenant();
        assertEquals(SendGuardState.Kind.NONE, guard.cancel(tenant, "e1", expireAt).kind());
        assertEquals(SendGuardState.Kind.CANCELLED, guard.cancel(tenant, "e1", expireAt).kind(), "repeatable");
        assertEquals(SendGuardState.Kind.CANCELLED, guard.claim(tenant, "e1", "w1", Instant.now(), expireAt).kind());
        assertEquals(SendGuardState.Kind.CANCELLED, guard.current(tenant, "e1").kind());
        long ttl = connection.sync().pttl(guard.key(tenant, "e1"));
        assertTrue(ttl > 0 && ttl <= Duration.ofHours(1).toMillis(), "expires at expireAt, pttl " + ttl);
    }

    @Test
    void claimBeforeCancelWinsAndOnlyTheClaimerMarksSent() {
        String tenant = tenant();
        Instant claimedAt = Instant.ofEpochMilli(Instant.now().toEpochMilli());
        assertEquals(SendGuardState.Kind.NONE, guard.claim(tenant, "e1", "w1", claimedAt, expireAt).kind());
        SendGuardState claimed = guard.cancel(tenant, "e1", expireAt);
        assertEquals(new SendGuardState(SendGuardState.Kind.CLAIMED, "w1", claimedAt, null), claimed);
        assertEquals(SendGuardState.Kind.CLAIMED, guard.claim(tenant, "e1", "w2", claimedAt, expireAt).kind());

        guard.markSent(tenant, "e1", "w1", claimedAt, "ses-123", expireAt);
        assertEquals(new SendGuardState(SendGuardState.Kind.SENT, null, null, "ses-123"), guard.current(tenant, "e1"));
        assertEquals(SendGuardState.Kind.SENT, guard.cancel(tenant, "e1", expireAt).kind());
    }

    @Test
    void onlyTheClaimerMarksSendingAndAMarkedSendCannotBeTakenOverAsAClaim() {
        String tenant = tenant();
        Instant claimedAt = Instant.ofEpochMilli(Instant.now().toEpochMilli());
        guard.claim(tenant, "e1", "w1", claimedAt, expireAt);
        SendGuardState claim = guard.current(tenant, "e1");
        assertEquals(SendGuardState.Kind.CLAIMED, guard.markSendingAsync(tenant, "e1", "w2", claimedAt, expireAt)
                .toCompletableFuture().join().kind());
        assertEquals(claim, guard.current(tenant, "e1"), "w2 holds no claim");
        guard.markSendingAsync(tenant, "e1", "w1", claimedAt, expireAt).toCompletableFuture().join();
        SendGuardState sending = guard.current(tenant, "e1");
        assertEquals(new SendGuardState(SendGuardState.Kind.SENDING, "w1", claimedAt, null), sending);
        // A pass that read the claim before the mark takes over nothing.
        assertEquals(sending, guard.takeOverAsync(tenant, "e1", claim, "w2", Instant.now(), expireAt)
                .toCompletableFuture().join());
        guard.markSent(tenant, "e1", "w2", claimedAt, "other", expireAt);
        assertEquals(sending, guard.current(tenant, "e1"), "another worker's sending mark stays");
        guard.markSent(tenant, "e1", "w1", claimedAt, "ses-1", expireAt);
        assertEquals(SendGuardState.Kind.SENT, guard.current(tenant, "e1").kind());
    }

    @Test
    void aSendIsRecordedOverAnAbsentKeyOrAForeignClaimButNeverOverACancel() {
        String tenant = tenant();
        Instant claimedAt = Instant.ofEpochMilli(Instant.now().toEpochMilli());
        guard.markSent(tenant, "lost", "w1", claimedAt, "ses-1", expireAt);
        assertEquals(new SendGuardState(SendGuardState.Kind.SENT, null, null, "ses-1"), guard.current(tenant, "lost"));
        guard.claim(tenant, "foreign", "w2", claimedAt, expireAt);
        guard.markSent(tenant, "foreign", "w1", claimedAt, "ses-2", expireAt);
        assertEquals(SendGuardState.Kind.SENT, guard.current(tenant, "foreign").kind());
        guard.cancel(tenant, "cancelled", expireAt);
        guard.markSent(tenant, "cancelled", "w1", claimedAt, "ses-3", expireAt);
        assertEquals(SendGuardState.Kind.CANCELLED, guard.current(tenant, "cancelled").kind());
    }

    @Test
    void anInDoubtEmailIsResolvedOnceAndAResendIsClaimedByOneWorker() {
        String tenant = tenant();
        Instant claimedAt = Instant.ofEpochMilli(Instant.now().toEpochMilli());
        guard.claim(tenant, "e1", "w1", claimedAt, expireAt);
        guard.markSendingAsync(tenant, "e1", "w1", claimedAt, expireAt).toCompletableFuture().join();
        assertEquals(SendGuardState.Kind.SENDING, guard.resolveInDoubt(tenant, "e1", false, claimedAt, expireAt).kind());
        SendGuardState resend = guard.current(tenant, "e1");
        assertEquals(SendGuardState.Kind.RESEND, resend.kind());
        assertEquals(resend, guard.takeOverAsync(tenant, "e1", resend, "w2", Instant.now(), expireAt)
                .toCompletableFuture().join());
        assertEquals(SendGuardState.Kind.CLAIMED, guard.takeOverAsync(tenant, "e1", resend, "w3", Instant.now(),
                expireAt).toCompletableFuture().join().kind(), "one claim only");
        assertEquals(SendGuardState.Kind.CLAIMED, guard.resolveInDoubt(tenant, "e1", true, claimedAt, expireAt).kind());
        assertEquals(SendGuardState.Kind.CLAIMED, guard.current(tenant, "e1").kind(), "a claim is not resolved");
    }

    @Test
    void aCancelledBatchCannotBePausedOrResumed() {
        String tenant = tenant();
        Duration ttl = Duration.ofMinutes(5);
        assertEquals(BatchControl.ACTIVE, batches.pause(tenant, "b", ttl));
        assertEquals(BatchControl.PAUSED, batches.current(tenant, "b"));
        assertEquals(BatchControl.PAUSED, batches.resume(tenant, "b"));
        assertEquals(BatchControl.ACTIVE, batches.current(tenant, "b"));
        assertEquals(BatchControl.ACTIVE, batches.cancel(tenant, "b", ttl));
        assertEquals(BatchControl.CANCELLED, batches.resume(tenant, "b"));
        assertEquals(BatchControl.CANCELLED, batches.pause(tenant, "b", ttl));
        assertEquals(BatchControl.CANCELLED, batches.current(tenant, "b"));
    }
}
