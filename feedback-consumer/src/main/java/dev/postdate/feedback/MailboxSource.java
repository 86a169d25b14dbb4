package dev.postdate.feedback;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;

import java.io.IOException;

/** A mailbox the feedback consumer reads when it is configured ({@link Mailboxes}), and what it does with its mail. */
interface MailboxSource {

    /** For the reader's thread and logs: {@code bounce}, {@code unsubscribe}. */
    String name();

    MailboxSettings settings();

    /** One read's unread messages, each flagged: deleted once handled, read to leave it, untouched to see it again. */
    void handle(Message[] unread) throws MessagingException, IOException;

    /** A read of the mailbox failed (counted; it is tried again at the next poll). */
    void readFailed();
}
