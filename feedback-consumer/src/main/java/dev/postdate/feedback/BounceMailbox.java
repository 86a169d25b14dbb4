package dev.postdate.feedback;

import jakarta.inject.Singleton;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the bounce mailbox over IMAP ({@link MailboxReader}; docs/tracking.md): the SMTP worker's envelope sender, where
 * receiving servers send delivery status notifications. Each unread message is read as a DSN
 * ({@link DsnReports}) and recorded like SES's bounces ({@link NotificationRecorder}); only once that is
 * in ClickHouse is the message deleted, so a crash or an outage leaves it to the next read, and reading
 * it again records nothing twice. A message that is no DSN is marked read and left for people; a DSN
 * whose email is not found is read again until {@code unmatched-for} has passed, then marked read.
 */
@Singleton
class BounceMailbox implements MailboxSource {

    private static final Logger LOG = LoggerFactory.getLogger(BounceMailbox.class);

    private final DsnSettings settings;
    private final DsnReports reports;
    private final NotificationRecorder recorder;
    private final FeedbackMetrics metrics;
    private final Clock clock;

    BounceMailbox(DsnSettings settings, DsnReports reports, NotificationRecorder recorder, FeedbackMetrics metrics,
                  Clock clock) {
        this.settings = settings;
        this.reports = reports;
        this.recorder = recorder;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "bounce";
    }

    @Override
    public MailboxSettings settings() {
        return settings;
    }

    @Override
    public void readFailed() {
        metrics.dsn("failed");
    }

    @Override
    public void handle(Message[] unread) throws MessagingException, IOException {
        Map<Message, List<ProviderNotification>> dsns = new LinkedHashMap<>();
        for (Message message : unread) {
            List<ProviderNotification> read = reports.read((MimeMessage) message);
            if (read.isEmpty()) {
                message.setFlag(Flags.Flag.SEEN, true);
                metrics.dsn("not_dsn");
            } else {
                dsns.put(message, read);
            }
        }
        if (dsns.isEmpty()) {
            return;
        }
        Set<ProviderNotification> recorded = recorder.record(dsns.values().stream().flatMap(List::stream).toList());
        Instant giveUpBefore = clock.instant().minus(settings.unmatchedFor());
        for (Map.Entry<Message, List<ProviderNotification>> dsn : dsns.entrySet()) {
            Message message = dsn.getKey();
            if (recorded.containsAll(dsn.getValue())) {
                message.setFlag(Flags.Flag.DELETED, true);
                metrics.dsn("handled");
            } else if (message.getReceivedDate() != null && message.getReceivedDate().toInstant().isBefore(giveUpBefore)) {
                message.setFlag(Flags.Flag.SEEN, true);
                metrics.dsn("given_up");
                LOG.warn("DSN for provider message {} matched no sent email within {}; marked read and left",
                        dsn.getValue().getFirst().providerId(), settings.unmatchedFor());
            } else {
                metrics.dsn("unmatched");
            }
        }
    }
}
