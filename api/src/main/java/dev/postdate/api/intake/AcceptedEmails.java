package dev.postdate.api.intake;

import dev.postdate.api.ApiSettings;
import dev.postdate.clickhouse.status.StoredEmail;
import dev.postdate.core.email.ScheduledEmail;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import dev.postdate.core.redis.RedisKeys;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Accepted emails the ingest consumer may not have stored yet: {@code accepted:<tenant>:<id>} =
 * {@code <send_at epoch s>|<accepted_at epoch s>|<batch id>}, kept for {@code accepted-ttl}, so that a
 * status read or a cancel right after the 202 finds the email.
 */
@Singleton
public class AcceptedEmails {

    private final RedisAsyncCommands<String, String> redis;
    private final SetArgs expiry;
    private final RedisKeys keys;

    public AcceptedEmails(StatefulRedisConnection<String, String> connection, RedisKeys keys,
                          ApiSettings settings) {
        this.redis = connection.async();
        this.keys = keys;
        this.expiry = SetArgs.Builder.px(settings.acceptedTtl().toMillis());
    }

    String key(String tenant, String id) {
        return keys.of("accepted", tenant, id);
    }

    public void record(List<ScheduledEmail> emails) {
        List<RedisFuture<String>> replies = new ArrayList<>(emails.size());
        for (ScheduledEmail email : emails) {
            replies.add(redis.set(key(email.tenant(), email.id()), email.sendAt().getEpochSecond() + "|"
                    + email.acceptedAt().getEpochSecond() + "|" + email.batchId(), expiry));
        }
        replies.forEach(Redis::await);
    }

    public void forget(List<ScheduledEmail> emails) {
        if (!emails.isEmpty()) {
            Redis.await(redis.del(emails.stream().map(e -> key(e.tenant(), e.id())).toArray(String[]::new)));
        }
    }

    public Optional<StoredEmail> find(String tenant, String id) {
        String value = Redis.await(redis.get(key(tenant, id)));
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split("\\|", 3);
        return Optional.of(new StoredEmail(id, parts[2], Instant.ofEpochSecond(Long.parseLong(parts[0])),
                Instant.ofEpochSecond(Long.parseLong(parts[1]))));
    }
}
