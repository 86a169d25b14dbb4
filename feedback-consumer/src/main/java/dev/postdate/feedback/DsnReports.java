package dev.postdate.feedback;

import jakarta.inject.Singleton;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.eclipse.angus.mail.dsn.MultipartReport;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a delivery status notification (RFC 3464: {@code multipart/report; report-type=delivery-status})
 * with Angus Mail's DSN support. The bounced message is found by the Message-ID of the original,
 * which the report returns (its headers or the whole message): the SMTP sender's provider id. Each
 * recipient's {@code Action: failed} is a bounce, permanent for a 5.x.x {@code Status} and transient
 * for 4.x.x; {@code delayed} a delay; delivered, relayed and expanded ones are not feedback.
 */
@Singleton
class DsnReports {

    static final String DSN_PREFIX = "dsn:";

    private final Clock clock;

    DsnReports(Clock clock) {
        this.clock = clock;
    }

    /** What the message reports, one notification per kind of outcome; empty when it is no DSN or names no original. */
    List<ProviderNotification> read(MimeMessage message) throws MessagingException, IOException {
        if (!message.isMimeType("multipart/report") || !(message.getContent() instanceof MultipartReport report)
                || !(report.getReport() instanceof DeliveryStatus status)) {
            return List.of();
        }
        MimeMessage original = report.getReturnedMessage();
        String providerId = original == null ? null : original.getHeader("Message-ID", null);
        if (providerId == null || providerId.isBlank()) {
            return List.of();
        }
        String dsnId = MailIds.of(message);
        Instant at = message.getSentDate() != null ? message.getSentDate().toInstant() : clock.instant();
        Map<String, List<ProviderNotification.Recipient>> byKind = new LinkedHashMap<>();
        for (int i = 0; i < status.getRecipientDSNCount(); i++) {
            InternetHeaders recipient = status.getRecipientDSN(i);
            String kind = kind(header(recipient, "Action"), header(recipient, "Status"));
            String address = addressOf(header(recipient, "Final-Recipient"));
            if (kind == null || address.isEmpty()) {
                continue;
            }
            String detail = String.join(" ", header(recipient, "Status"), header(recipient, "Diagnostic-Code")).strip();
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(new ProviderNotification.Recipient(address, detail));
        }
        List<ProviderNotification> notifications = new ArrayList<>();
        byKind.forEach((kind, recipients) -> {
            int colon = kind.indexOf(':');
            notifications.add(new ProviderNotification(kind.substring(0, colon), providerId.strip(),
                    DSN_PREFIX + dsnId + ":" + kind, kind.substring(colon + 1), List.copyOf(recipients), at));
        });
        return notifications;
    }

    /** {@code type:subtype}, or null for what is no feedback. */
    private static String kind(String action, String status) {
        return switch (action.toLowerCase(Locale.ROOT)) {
            case "failed" -> SesNotifications.BOUNCED + ":" + (status.startsWith("5") ? SesNotifications.PERMANENT
                    : status.startsWith("4") ? "transient" : SesNotifications.UNDETERMINED);
            case "delayed" -> "delayed:";
            default -> null;
        };
    }

    /** {@code rfc822; Ada@Example.org} as the address the suppression list keeps. */
    private static String addressOf(String finalRecipient) {
        int semicolon = finalRecipient.indexOf(';');
        return SesNotifications.address(semicolon >= 0 ? finalRecipient.substring(semicolon + 1) : finalRecipient);
    }

    private static String header(InternetHeaders headers, String name) {
        String value = headers.getHeader(name, null);
        return value == null ? "" : value.strip();
    }
}
