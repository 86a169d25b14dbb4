package dev.postdate.feedback;

import dev.postdate.core.tracking.TrackingEvent;
import dev.postdate.core.tracking.TrackingKeys;
import dev.postdate.core.tracking.TrackingToken;
import dev.postdate.core.tracking.TrackingTokens;
import dev.postdate.core.tracking.UnsubscribeMailto;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Reads the unsubscribe mailbox over IMAP (docs/tracking.md): the address List-Unsubscribe's
 * {@code mailto:} names. A mail whose subject carries a valid unsubscribe token is the same
 * unsubscribe as the one-click POST (scope: the token's topic, else all mail), recorded by
 * {@link TrackingRecorder} under the mail's id, each mail on its own, and deleted only once recorded:
 * one not recorded stays unread for the next poll, and one read again after a crash changes nothing. The token, sealed by the workers, is the proof; the sender's address
 * is not trusted. A mail without a valid token is marked read and left for people.
 */
@Singleton
class UnsubscribeMailbox implements MailboxSource {

    private static final Logger LOG = LoggerFactory.getLogger(UnsubscribeMailbox.class);

    private final UnsubscribeMailSettings settings;
    private final TrackingRecorder recorder;
    private final FeedbackMetrics metrics;
    private final Clock clock;
    private final TrackingTokens tokens;

    UnsubscribeMailbox(UnsubscribeMailSettings settings, @Property(name = "postdate.tracking.keys") @Nullable String keys,
                       TrackingRecorder recorder, FeedbackMetrics metrics, Clock clock) {
        this.settings = settings;
        this.recorder = recorder;
        this.metrics = metrics;
        this.clock = clock;
        if (settings.enabled() && (keys == null || keys.isBlank())) {
            throw new IllegalStateException("postdate.feedback.unsubscribe.mailbox is set, but postdate.tracking.keys"
                    + " (POSTDATE_TRACKING_KEYS) is not: the mails' tokens cannot be opened");
        }
        this.tokens = settings.enabled() ? new TrackingTokens(TrackingKeys.parse(keys)) : null;
    }

    @Override
    public String name() {
        return "unsubscribe";
    }

    @Override
    public MailboxSettings settings() {
        return settings;
    }

    @Override
    public void readFailed() {
        metrics.unsubscribeMail("failed");
    }

    /** Each mail recorded on its own: one that ClickHouse will not take holds up no other. */
    @Override
    public void handle(Message[] unread) throws MessagingException, IOException {
        for (Message message : unread) {
            Optional<TrackingToken> token = UnsubscribeMailto.tokenOf(message.getSubject()).flatMap(tokens::open)
                    .filter(t -> t.kind() == TrackingToken.Kind.UNSUBSCRIBE);
            if (token.isEmpty()) {
                message.setFlag(Flags.Flag.SEEN, true);
                metrics.unsubscribeMail("no_token");
                continue;
            }
            // The time it is read, not the mail's Date header, which its sender writes.
            TrackingEvent unsubscribe = TrackingEvent.of("mailto:" + MailIds.of((MimeMessage) message),
                    TrackingEvent.UNSUBSCRIBED, token.get(), TrackingEvent.unsubscribeScope(token.get(), false), clock.millis());
            try {
                recorder.record(List.of(unsubscribe));
            } catch (RuntimeException e) {
                metrics.unsubscribeMail("failed");
                LOG.warn("Unsubscribe mail {} not recorded now; read again at the next poll: {}", unsubscribe.id(),
                        e.getMessage());
                continue;
            }
            message.setFlag(Flags.Flag.DELETED, true);
            metrics.unsubscribeMail("handled");
        }
    }
}
