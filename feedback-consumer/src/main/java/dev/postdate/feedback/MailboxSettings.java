package dev.postdate.feedback;

import java.time.Duration;

/** Where a {@link MailboxSource} reads and how often: each mailbox's own configuration carries these. */
interface MailboxSettings {

    /** The mailbox URL, {@code imaps://user:password@host/INBOX} (a secret); null or blank: not read. */
    String mailbox();

    Duration pollInterval();

    default boolean enabled() {
        return mailbox() != null && !mailbox().isBlank();
    }
}
