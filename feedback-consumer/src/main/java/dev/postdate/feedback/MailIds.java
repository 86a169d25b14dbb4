package dev.postdate.feedback;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;

/** A received mail's identity, the same each time it is read: what makes handling it twice harmless. */
final class MailIds {

    private MailIds() {
    }

    /** Its Message-ID, or without one the SHA-256 of its headers and raw body as received. */
    static String of(MimeMessage message) throws MessagingException, IOException {
        String messageId = message.getMessageID();
        return messageId != null && !messageId.isBlank() ? messageId : digest(message);
    }

    private static String digest(MimeMessage message) throws MessagingException, IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        // Headers and raw body as received: writeTo could first give the message a fresh Message-ID.
        for (String line : Collections.list(message.getAllHeaderLines())) {
            sha256.update(line.getBytes(StandardCharsets.UTF_8));
        }
        try (InputStream body = message.getRawInputStream()) {
            body.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), sha256));
        }
        return HexFormat.of().formatHex(sha256.digest());
    }
}
