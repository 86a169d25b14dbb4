package dev.postdate.feedback;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * postdate.feedback.dsn (application.yml explains each): the mailbox SMTP bounces arrive in.
 *
 * @param mailbox       {@code imaps://user:password@host/INBOX} (a secret); empty: not read
 * @param pollInterval  the pause between two reads of the mailbox
 * @param unmatchedFor  how long a DSN whose email is not found is read again before it is left alone
 */
@ConfigurationProperties("postdate.feedback.dsn")
public record DsnSettings(@Nullable String mailbox, @NotNull Duration pollInterval, @NotNull Duration unmatchedFor) implements MailboxSettings {
}
