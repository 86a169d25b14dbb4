package dev.postdate.worker.send;

import dev.postdate.core.email.Address;
import dev.postdate.worker.SmtpSettings;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * SMTP through Angus Mail with a pool of connections kept open: one new connection per message
 * costs an order of magnitude in throughput. A failure while connecting sent nothing (retried); a
 * 4xx reply is transient, a 5xx reply permanent; an I/O failure after the connection was up is in
 * doubt, because the server may have queued the message before the connection broke.
 */
public class SmtpSender implements Sender, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpSender.class);

    private final Session session;
    private final SmtpSettings settings;
    private final BlockingQueue<Transport> pool;

    public SmtpSender(SmtpSettings settings) {
        this.settings = settings;
        Properties props = new Properties();
        props.put("mail.smtp.host", settings.host());
        props.put("mail.smtp.port", Integer.toString(settings.port()));
        props.put("mail.smtp.connectiontimeout", Long.toString(settings.connectTimeout().toMillis()));
        props.put("mail.smtp.timeout", Long.toString(settings.timeout().toMillis()));
        props.put("mail.smtp.writetimeout", Long.toString(settings.timeout().toMillis()));
        props.put("mail.smtp.auth", Boolean.toString(settings.username() != null && !settings.username().isBlank()));
        props.put("mail.smtp.starttls.enable", Boolean.toString(settings.starttls()));
        props.put("mail.smtp.starttls.required", Boolean.toString(settings.starttls()));
        if (settings.bounceAddress() != null && !settings.bounceAddress().isBlank()) {
            // The envelope sender (Return-Path): where receiving servers send their bounces (DSNs),
            // the mailbox the feedback consumer reads (docs/tracking.md).
            props.put("mail.smtp.from", settings.bounceAddress());
        }
        this.session = Session.getInstance(props);
        this.pool = new ArrayBlockingQueue<>(settings.poolSize());
        for (int i = 0; i < settings.poolSize(); i++) {
            try {
                pool.add(session.getTransport("smtp"));
            } catch (MessagingException e) {
                throw new IllegalStateException("No SMTP transport", e);
            }
        }
    }

    @Override
    public String name() {
        return "smtp";
    }

    @Override
    public String send(OutgoingEmail email) throws SendException {
        MimeMessage message;
        try {
            message = mime(email);
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new SendException(SendException.Kind.PERMANENT, "cannot build the message: " + e.getMessage(), e);
        }
        Transport transport;
        try {
            transport = pool.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendException(SendException.Kind.TRANSIENT, "interrupted before sending", e);
        }
        try {
            if (!transport.isConnected()) {
                try {
                    transport.connect(settings.host(), settings.port(), settings.username(), settings.password());
                } catch (MessagingException e) {
                    // Refused or timed out connecting is an outage; a refused login is a reply like any other.
                    throw new SendException(SendException.neverConnected(e) ? SendException.Kind.UNREACHABLE
                            : SendException.Kind.TRANSIENT, "cannot connect: " + e.getMessage(), e);
                }
            }
            try {
                transport.sendMessage(message, message.getAllRecipients());
                return email.messageId();
            } catch (SMTPAddressFailedException e) {
                throw byReplyCode(e.getReturnCode(), e);
            } catch (SMTPSendFailedException e) {
                throw byReplyCode(e.getReturnCode(), e);
            } catch (SendFailedException e) {
                // An address refused before DATA: nothing was sent.
                throw new SendException(SendException.Kind.PERMANENT, e.getMessage(), e);
            } catch (MessagingException e) {
                closeQuietly(transport);
                throw new SendException(SendException.Kind.AMBIGUOUS, e.getMessage(), e);
            }
        } finally {
            pool.add(transport);
        }
    }

    private static SendException byReplyCode(int code, MessagingException e) {
        String reason = "SMTP " + code + ": " + e.getMessage();
        return new SendException(code >= 500 ? SendException.Kind.PERMANENT : SendException.Kind.TRANSIENT, reason, e);
    }

    private MimeMessage mime(OutgoingEmail email) throws MessagingException, UnsupportedEncodingException {
        MimeMessage message = new FixedIdMessage(session, email.messageId());
        message.setFrom(address(email.from()));
        message.setRecipient(Message.RecipientType.TO, address(email.to()));
        if (email.replyTo() != null) {
            message.setReplyTo(new InternetAddress[]{address(email.replyTo())});
        }
        message.setSubject(email.subject(), StandardCharsets.UTF_8.name());
        for (Map.Entry<String, String> header : email.headers().entrySet()) {
            message.setHeader(header.getKey(), header.getValue());
        }
        if (email.html() != null && email.text() != null) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart text = new MimeBodyPart();
            text.setText(email.text(), StandardCharsets.UTF_8.name());
            MimeBodyPart html = new MimeBodyPart();
            html.setContent(email.html(), "text/html; charset=UTF-8");
            alternative.addBodyPart(text);
            alternative.addBodyPart(html);
            message.setContent(alternative);
        } else if (email.html() != null) {
            message.setContent(email.html(), "text/html; charset=UTF-8");
        } else {
            message.setText(email.text() == null ? "" : email.text(), StandardCharsets.UTF_8.name());
        }
        message.saveChanges();
        return message;
    }

    private static InternetAddress address(Address address) throws UnsupportedEncodingException {
        return address.name() == null || address.name().isBlank()
                ? new InternetAddress(address.email(), null, StandardCharsets.UTF_8.name())
                : new InternetAddress(address.email(), address.name(), StandardCharsets.UTF_8.name());
    }

    private static void closeQuietly(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            LOG.debug("Closing a broken SMTP connection failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        pool.forEach(SmtpSender::closeQuietly);
    }

    /** Keeps the generated Message-ID instead of the one {@code saveChanges} would invent. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
