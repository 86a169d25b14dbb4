package dev.postdate.feedback;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * postdate.feedback.unsubscribe (application.yml explains each): the mailbox the {@code mailto:} of
 * List-Unsubscribe delivers to (the workers' postdate.tracking.unsubscribe-mailto).
 *
 * @param mailbox      {@code imaps://user:password@host/INBOX} (a secret); empty: not read
 * @param pollInterval the pause between two reads of the mailbox
 */
@ConfigurationProperties("postdate.feedback.unsubscribe")
public record UnsubscribeMailSettings(@Nullable String mailbox, @NotNull Duration pollInterval) implements MailboxSettings {
}
