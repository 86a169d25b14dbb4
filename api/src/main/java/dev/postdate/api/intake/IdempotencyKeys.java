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
 * Idempotency keys in Redis: {@code idem:<tenant>:<key>} = {@code <email id>|<payload fingerprint>},
 * written with SET NX so that of two requests with one key exactly one reserves it. All keys of a
 * request go out pipelined in one round trip.
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

    private final RedisAsyncCommands<String, String> redis;
    private final SetArgs reservation;
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

    /** Reserves each email's key for its id; emails without a key are not passed in. */
    public List<Outcome> reserve(String tenant, List<ValidEmail> emails, List<String> ids) {
        List<RedisFuture<String>> replies = new ArrayList<>(emails.size());
        for (int i = 0; i < emails.size(); i++) {
            ValidEmail email = emails.get(i);
            replies.add(redis.setGet(key(tenant, email.idempotencyKey()), ids.get(i) + "|" + email.fingerprint(), reservation));
        }
        List<Outcome> outcomes = new ArrayList<>(emails.size());
        for (int i = 0; i < emails.size(); i++) {
            String previous = Redis.await(replies.get(i));
            outcomes.add(outcome(previous, emails.get(i).fingerprint()));
        }
        return outcomes;
    }

    private static Outcome outcome(String previous, String fingerprint) {
        if (previous == null) {
            return new Reserved();
        }
        int bar = previous.indexOf('|');
        return previous.substring(bar + 1).equals(fingerprint) ? new Replay(previous.substring(0, bar)) : new Conflict();
    }

    /** Frees keys this request reserved, when it ends without accepting its emails. */
    public void release(String tenant, List<String> idempotencyKeys) {
        if (!idempotencyKeys.isEmpty()) {
            Redis.await(redis.del(idempotencyKeys.stream().map(k -> key(tenant, k)).toArray(String[]::new)));
        }
    }
}
