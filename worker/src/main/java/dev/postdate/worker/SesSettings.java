package dev.postdate.worker;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.net.URI;
import java.time.Duration;

/**
 * @param endpoint       override (aws-ses-v2-local); null in production
 * @param region         SES region
 * @param attemptTimeout bound of one SendEmail call; a call that times out is in doubt
 * @param configurationSet optional SES configuration set name
 */
@ConfigurationProperties("postdate.ses")
public record SesSettings(@Nullable URI endpoint, @NotBlank String region, @NotNull Duration attemptTimeout,
                          @Nullable String configurationSet) {
}
