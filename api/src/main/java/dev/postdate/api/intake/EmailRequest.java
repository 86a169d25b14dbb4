package dev.postdate.api.intake;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.postdate.core.email.Address;
import dev.postdate.core.email.TemplateRef;
import dev.postdate.core.email.Tracking;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * One email as a client sends it, after {@link EmailRequestReader} checked its JSON shape. Also the
 * schema of the OpenAPI document. {@code to}, {@code from} and {@code reply_to} may be given as a
 * plain address string instead of an object.
 */
@Serdeable
@Schema(name = "Email", description = "Needs html, text or template.")
public record EmailRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Address to,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Address from,
        @JsonProperty("reply_to") @Nullable Address replyTo,
        @Nullable String subject,
        @Nullable String html,
        @Nullable String text,
        @Nullable TemplateRef template,
        @Nullable Map<String, Object> data,
        @Nullable Map<String, String> headers,
        @Nullable List<String> tags,
        @JsonProperty("batch_id") @Nullable String batchId,
        @JsonProperty("idempotency_key") @Nullable String idempotencyKey,
        @JsonProperty("send_at") @Nullable
        @Schema(format = "date-time", description = "RFC 3339 with offset; absent or past: as soon as possible")
        String sendAt,
        @Nullable
        @Schema(description = "A consent topic: sent only if a contact with the to address granted it (docs/contacts.md)",
                pattern = "^[a-z0-9][a-z0-9_-]{0,63}$")
        String topic,
        @Nullable
        @Schema(description = "Tracking switches of this email; absent ones fall back to the tenant's (docs/tracking.md)")
        Tracking tracking) {
}
