package dev.postdate.feedback;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** Delivery status notifications for the tests. */
final class DsnSamples {

    private DsnSamples() {
    }

    /** A DSN as an MTA writes it: the report and the returned headers of the original; {@code id} null: no Message-ID. */
    static MimeMessage dsn(String id, String recipient, String action, String status, String diagnostic,
                            String originalMessageId) throws Exception {
        String raw = """
                From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
                To: bounces@postdate.local
                Subject: Undelivered Mail Returned to Sender
                %1$sDate: Sun, 6 Dec 2026 10:00:00 +0000
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="B"

                --B
                Content-Type: text/plain

                Your message could not be delivered.

                --B
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.org
                Arrival-Date: Sun, 6 Dec 2026 09:59:58 +0000

                Final-Recipient: rfc822; %2$s
                Original-Recipient: rfc822; %2$s
                Action: %3$s
                Status: %4$s
                Diagnostic-Code: %5$s

                --B
                Content-Type: text/rfc822-headers

                From: News <news@example.com>
                To: %2$s
                Subject: Spring
                Message-ID: %6$s

                --B--
                """.formatted(id == null ? "" : "Message-ID: <" + id + "@mx.example.org>\n", recipient, action, status, diagnostic, originalMessageId).replace("\n", "\r\n");
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
    }
}
