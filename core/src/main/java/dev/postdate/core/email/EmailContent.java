package dev.postdate.core.email;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What is sent: either literal bodies ({@code html} and/or {@code text}) or a {@code template} rendered
 * with {@code data}. Stored in ClickHouse as one JSON column; the worker reads it back as is.
 * {@code topic}, when set, names the consent the recipient must have granted when it is sent;
 * {@code expiresAt}, when set, is the last instant it may still be sent (a campaign's {@code expire_after}):
 * later, the worker records it {@code expired} instead. {@code tracking}, when set, overrides the
 * tenant's tracking switches for this email (a campaign's are copied into each of its emails).
 */
@Serdeable
public record EmailContent(
        Address to,
        Address from,
        @Nullable Address replyTo,
        @Nullable String subject,
        @Nullable String html,
        @Nullable String text,
        @Nullable TemplateRef template,
        @Nullable Map<String, Object> data,
        Map<String, String> headers,
        List<String> tags,
        @Nullable String topic,
        @Nullable Instant expiresAt,
        @Nullable Tracking tracking) {
}
