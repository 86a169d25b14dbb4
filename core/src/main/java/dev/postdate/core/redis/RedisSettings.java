package dev.postdate.core.redis;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotBlank;

import java.time.Duration;

/**
 * @param uri       Lettuce URI, e.g. {@code redis://127.0.0.1:16379} or {@code rediss://user:secret@host:6379}
 * @param keyPrefix prefix of every key Postdate writes, so that one Redis can serve several
 *                  installations (and tests) without collisions
 * @param commandTimeout  longest a command may wait for its answer, queued while Redis is away
 *                        included; Lettuce's own default (60 s) would hide an outage for a minute
 *                        from every retry loop and health check
 */
@ConfigurationProperties("postdate.redis")
public record RedisSettings(@NotBlank String uri, @Bindable(defaultValue = "postdate:") String keyPrefix,
                            @Bindable(defaultValue = "10s") Duration commandTimeout) {

    @Override
    public String toString() {
        return "RedisSettings[keyPrefix=" + keyPrefix + "]";
    }
}
