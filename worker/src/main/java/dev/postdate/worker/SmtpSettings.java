package dev.postdate.worker;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * @param host            SMTP server
 * @param port            its port
 * @param username        null: no authentication
 * @param password        with {@code username}
 * @param starttls        require STARTTLS
 * @param poolSize        connections kept open and reused
 * @param connectTimeout  connect bound (a failure here surely sent nothing: retried)
 * @param timeout         read/write bound once connected (a failure here is in doubt)
 * @param bounceAddress   the envelope sender, where DSNs go; null or empty: the From address
 */
@ConfigurationProperties("postdate.smtp")
public record SmtpSettings(String host, @Min(1) int port, @Nullable String username, @Nullable String password,
                           boolean starttls, @Min(1) int poolSize, @NotNull Duration connectTimeout,
                           @NotNull Duration timeout, @Nullable String bounceAddress) {

    @Override
    public String toString() {
        return "SmtpSettings[host=" + host + ", port=" + port + ", poolSize=" + poolSize + "]";
    }
}
