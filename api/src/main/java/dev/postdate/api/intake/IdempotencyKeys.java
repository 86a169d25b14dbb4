package dev.postdate.api.intake;

import dev.postdate.api.ApiSettings;
import dev.postdate.core.redis.RedisKeys;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/**
 * Idempotency keys in Redis: {@code idem:<tenant>:<key>} = {@code [?]<email id>|<payload fingerprint>},
 * written with SET NX so that of two requests with one key exactly one reserves it. A reservation
 * starts <em>in progress</em> ({@code ?} in front) and is confirmed once the intake queue
 * acknowledged the email: only then does its id exist for a replay. All keys of a request go out
 * pipelined in one round trip.
 */
@Singleton
public class IdempotencyKeys {

    /** What reserving one key found. */
    public sealed interface Outcome {
    }

    /** The key is now this email's. */
    public record Reserved() implements Outcome {
    }

    /** The key was used before for the same payload: answer with the earlier id, send nothing. */
    public record Replay(String id) implements Outcome {
    }

    /** The key was used before for a different payload. */
    public record Conflict() implements Outcome {
    }

    /**
     * The key's request, with the same payload, has not been acknowledged by the intake queue yet:
     * its id may never exist, so a replay must not be given it.
     */
    public record InProgress() implements Outcome {
    }

    /** Marks a reservation whose request is still in progress; an id never starts with it. */
    private static final String IN_PROGRESS = "?";

    private final RedisAsyncCommands<String, String> redis;
    private final SetArgs reservation;
    private final SetArgs confirmation = SetArgs.Builder.xx().keepttl();
    private final RedisKeys keys;

    public IdempotencyKeys(StatefulRedisConnection<String, String> connection, RedisKeys keys,
                           ApiSettings settings) {
        this.redis = connection.async();
        this.keys = keys;
        this.reservation = SetArgs.Builder.nx().px(settings.idempotencyTtl().toMillis());
    }

    String key(String tenant, String idempotencyKey) {
        return keys.of("idem", tenant, idempotencyKey);
    }

    /** Reserves each email's key for its id, in progress; emails without a key are not passed in. */
    public List<Outcome> reserve(String tenant, List<ValidEmail> emails, List<String> ids) {
        List<RedisFuture<String>> replies = new ArrayList<>(emails.size());
        for (int i = 0; i < emails.size(); i++) {
            ValidEmail email = emails.get(i);
            replies.add(redis.setGet(key(tenant, email.idempotencyKey()),
                    IN_PROGRESS + value(ids.get(i), email), reservation));
        }
        List<Outcome> outcomes = new ArrayList<>(emails.size());
        for (int i = 0; i < emails.size(); i++) {
            String previous = Redis.await(replies.get(i));
            outcomes.add(outcome(previous, emails.get(i).fingerprint()));
        }
        return outcomes;
    }

    /**
     * Confirms reservations made by {@link #reserve} once their emails were acknowledged: replays now
     * get their ids. Keeps each key's expiry, and touches only keys that still exist.
     */
    public void confirm(String tenant, List<ValidEmail> emails, List<String> ids) {
        List<RedisFuture<String>> replies = new ArrayList<>(emails.size());
        for (int i = 0; i < emails.size(); i++) {
            replies.add(redis.set(key(tenant, emails.get(i).idempotencyKey()), value(ids.get(i), emails.get(i)), confirmation));
        }
        replies.forEach(Redis::await);
    }

    private static String value(String id, ValidEmail email) {
        return id + "|" + email.fingerprint();
    }

    private static Outcome outcome(String previous, String fingerprint) {
        if (previous == null) {
            return new Reserved();
        }
        boolean inProgress = previous.startsWith(IN_PROGRESS);
        String confirmed = inProgress ? previous.substring(IN_PROGRESS.length()) : previous;
        int bar = confirmed.indexOf('|');
        if (!confirmed.substring(bar + 1).equals(fingerprint)) {
            return new Conflict();
        }
        return inProgress ? new InProgress() : new Replay(confirmed.substring(0, bar));
    }

    /** Frees keys this request reserved, when it ends without accepting its emails. */
    public void release(String tenant, List<String> idempotencyKeys) {
        if (!idempotencyKeys.isEmpty()) {
            Redis.await(redis.del(idempotencyKeys.stream().map(k -> key(tenant, k)).toArray(String[]::new)));
        }
    }
}
