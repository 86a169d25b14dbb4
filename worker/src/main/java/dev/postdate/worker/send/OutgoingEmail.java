package dev.postdate.worker.send;

import dev.postdate.core.email.Address;
import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/** One rendered email ready for a provider. Personal data: never logged. */
public record OutgoingEmail(
        String emailId,
        String messageId,
        Address from,
        Address to,
        @Nullable Address replyTo,
        String subject,
        @Nullable String html,
        @Nullable String text,
        Map<String, String> headers) {
}
