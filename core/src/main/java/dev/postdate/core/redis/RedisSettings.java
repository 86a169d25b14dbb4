package dev.postdate.core.redis;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotBlank;

/**
 * @param uri Lettuce URI, e.g. {@code redis://127.0.0.1:16379} or {@code rediss://user:secret@host:6379}
 */
@ConfigurationProperties("postdate.redis")
public record RedisSettings(@NotBlank String uri) {
}
