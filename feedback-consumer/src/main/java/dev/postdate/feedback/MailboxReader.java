package dev.postdate.feedback;

import dev.postdate.clickhouse.migrations.SchemaOnStart;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.URLName;
import jakarta.mail.search.FlagTerm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Properties;

/**
 * Reads one IMAP mailbox every {@code pollInterval} on a virtual thread, once the schema is current:
 * its unread messages go to the handler, which flags each (deleted once handled, read to leave it
 * for people, untouched to see it again); the folder is expunged on close. A failed read is logged
 * without the mailbox URL (it holds the password) and tried again at the next poll.
 */
final class MailboxReader {

    /** What to do with one read's unread messages. */
    @FunctionalInterface
    interface Handler {
        void handle(Message[] unread) throws MessagingException, IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(MailboxReader.class);

    private final String name;
    private final URLName mailbox;
    private final Duration pollInterval;
    private final SchemaOnStart schema;
    private final Handler handler;
    private final Runnable onFailure;
    private volatile Thread reader;

    MailboxReader(String name, String mailbox, Duration pollInterval, SchemaOnStart schema, Handler handler,
                  Runnable onFailure) {
        this.name = name;
        this.mailbox = new URLName(mailbox);
        this.pollInterval = pollInterval;
        this.schema = schema;
        this.handler = handler;
        this.onFailure = onFailure;
    }

    void start() {
        LOG.info("Reading the {} mailbox on {} every {}", name, mailbox.getHost(), pollInterval);
        reader = Thread.ofVirtual().name(name + "-mailbox").start(this::readLoop);
    }

    void stop() throws InterruptedException {
        Thread running = reader;
        if (running != null) {
            running.interrupt();
            running.join(Duration.ofSeconds(10));
        }
    }

    private void readLoop() {
        try {
            if (!schema.awaitCurrent(Duration.ofDays(365))) {
                return;
            }
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    readOnce();
                } catch (MessagingException | IOException | RuntimeException e) {
                    onFailure.run();
                    LOG.warn("Reading the {} mailbox failed; trying again in {}: {}", name, pollInterval, e.getMessage());
                }
                Thread.sleep(pollInterval);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readOnce() throws MessagingException, IOException {
        Properties properties = new Properties();
        // Reading a body must not mark it read: a mail whose recording fails stays unread, for the next poll.
        properties.setProperty("mail.imap.peek", "true");
        properties.setProperty("mail.imaps.peek", "true");
        Store store = Session.getInstance(properties).getStore(mailbox);
        store.connect();
        try {
            String file = mailbox.getFile();
            Folder folder = store.getFolder(file == null || file.isEmpty() ? "INBOX" : file);
            folder.open(Folder.READ_WRITE);
            try {
                handler.handle(folder.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false)));
            } finally {
                folder.close(true);
            }
        } finally {
            store.close();
        }
    }
}
