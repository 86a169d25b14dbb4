package dev.postdate.feedback;

import dev.postdate.clickhouse.suppressions.Suppression;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads SES's notifications as they arrive through SNS on SQS: the event itself (raw message
 * delivery) or wrapped in SNS's envelope, and either of SES's two shapes (a configuration set's event
 * publishing, {@code eventType}; an identity's feedback notifications, {@code notificationType}).
 */
@Singleton
class SesNotifications {

    static final String BOUNCED = "bounced";
    static final String COMPLAINED = "complained";
    static final String PERMANENT = "permanent";
    static final String UNDETERMINED = "undetermined";
    /** The notification types Postdate records; others (sends, opens, clicks, subscription notices) are ignored. */
    private static final Set<String> USED = Set.of("Bounce", "Complaint", "Delivery", "Reject", "DeliveryDelay");

    private final JsonMapper json;

    SesNotifications(JsonMapper json) {
        this.json = json;
    }

    /** Thrown for a body that is no SES notification; it goes to the dead-letter queue in the end. */
    static final class Malformed extends IllegalArgumentException {
        Malformed(String message) {
            super(message);
        }
    }

    /**
     * The notification in an SQS message body; empty for one Postdate has no use for (opens and clicks
     * SES tracks itself, sends, rendering failures, subscription notices).
     */
    Optional<ProviderNotification> parse(String body) {
        JsonNode event = tree(body);
        if ("Notification".equals(text(event, "Type")) && event.get("Message") != null) {
            event = tree(text(event, "Message"));
        } else if (event.get("Type") != null) {
            return Optional.empty();
        }
        String kind = text(event, "eventType");
        if (kind.isEmpty()) {
            kind = text(event, "notificationType");
        }
        if (kind.isEmpty()) {
            throw new Malformed("an SES notification names its type (eventType or notificationType)");
        }
        if (!USED.contains(kind)) {
            return Optional.empty();
        }
        JsonNode mail = object(event, "mail");
        String providerId = text(mail, "messageId");
        if (providerId.isEmpty()) {
            throw new Malformed("an SES notification names mail.messageId");
        }
        return switch (kind) {
            case "Bounce" -> {
                JsonNode bounce = object(event, "bounce");
                yield Optional.of(new ProviderNotification(BOUNCED, providerId,
                        notificationId(bounce, kind, providerId),
                        bounceType(bounce),
                        recipients(bounce, "bouncedRecipients"), timestamp(bounce, mail)));
            }
            case "Complaint" -> {
                JsonNode complaint = object(event, "complaint");
                yield Optional.of(new ProviderNotification(COMPLAINED, providerId,
                        notificationId(complaint, kind, providerId),
                        text(complaint, "complaintFeedbackType").toLowerCase(Locale.ROOT),
                        recipients(complaint, "complainedRecipients"), timestamp(complaint, mail)));
            }
            case "Delivery" -> {
                JsonNode delivery = object(event, "delivery");
                yield Optional.of(new ProviderNotification("delivered", providerId,
                        notificationId(delivery, kind, providerId), "",
                        addresses(delivery, "recipients", text(delivery, "smtpResponse")), timestamp(delivery, mail)));
            }
            case "Reject" -> {
                JsonNode reject = object(event, "reject");
                yield Optional.of(new ProviderNotification("rejected", providerId,
                        notificationId(reject, kind, providerId), "",
                        addresses(mail, "destination", text(reject, "reason")), timestamp(reject, mail)));
            }
            case "DeliveryDelay" -> {
                JsonNode delay = object(event, "deliveryDelay");
                yield Optional.of(new ProviderNotification("delayed", providerId,
                        notificationId(delay, kind, providerId), text(delay, "delayType").toLowerCase(Locale.ROOT),
                        recipients(delay, "delayedRecipients"), timestamp(delay, mail)));
            }
            default -> throw new IllegalStateException("a used type without a reading: " + kind);
        };
    }

    /** SES's Permanent, Transient or Undetermined; a bounce without one is undetermined, as SES says of unclassified ones. */
    private static String bounceType(JsonNode bounce) {
        String type = text(bounce, "bounceType").toLowerCase(Locale.ROOT);
        return type.isEmpty() ? UNDETERMINED : type;
    }

    /** SES's feedback id where it gives one; else what every copy of this notification shares. */
    private static String notificationId(JsonNode part, String kind, String providerId) {
        String feedbackId = text(part, "feedbackId");
        return feedbackId.isEmpty() ? kind + ":" + providerId + ":" + text(part, "timestamp") : feedbackId;
    }

    private static List<ProviderNotification.Recipient> recipients(JsonNode part, String field) {
        List<ProviderNotification.Recipient> recipients = new ArrayList<>();
        for (JsonNode recipient : array(part, field)) {
            String detail = String.join(" ", text(recipient, "status"), text(recipient, "diagnosticCode")).strip();
            recipients.add(new ProviderNotification.Recipient(address(text(recipient, "emailAddress")), detail));
        }
        return requireSome(recipients, field);
    }

    private static List<ProviderNotification.Recipient> addresses(JsonNode part, String field, String detail) {
        List<ProviderNotification.Recipient> recipients = new ArrayList<>();
        for (JsonNode address : array(part, field)) {
            recipients.add(new ProviderNotification.Recipient(address(address.isString() ? address.getStringValue() : ""),
                    detail));
        }
        return requireSome(recipients, field);
    }

    private static List<ProviderNotification.Recipient> requireSome(List<ProviderNotification.Recipient> recipients,
                                                                     String field) {
        if (recipients.isEmpty() || recipients.stream().anyMatch(r -> r.address().isEmpty())) {
            throw new Malformed(field + " must list the recipients' addresses");
        }
        return recipients;
    }

    /** As a suppression entry stores it, so that counts and suppressions match however SES spelled it. */
    static String address(String given) {
        String bare = given.strip();
        int open = bare.lastIndexOf('<');
        if (open >= 0 && bare.endsWith(">")) {
            bare = bare.substring(open + 1, bare.length() - 1);
        }
        return bare.isEmpty() ? "" : Suppression.entryOf(bare).orElse(bare.toLowerCase(Locale.ROOT));
    }

    private static Instant timestamp(JsonNode part, JsonNode mail) {
        String at = text(part, "timestamp");
        try {
            return Instant.parse(at.isEmpty() ? text(mail, "timestamp") : at);
        } catch (DateTimeParseException e) {
            throw new Malformed("timestamp is not an ISO-8601 instant");
        }
    }

    private JsonNode tree(String body) {
        try {
            JsonNode node = json.readValue(body.getBytes(StandardCharsets.UTF_8), JsonNode.class);
            if (node == null || !node.isObject()) {
                throw new Malformed("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new Malformed("not JSON");
        }
    }

    private static JsonNode object(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isObject()) {
            throw new Malformed(field + " must be an object");
        }
        return node;
    }

    private static Iterable<JsonNode> array(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        return node != null && node.isArray() ? node.values() : List.of();
    }

    private static String text(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        return node != null && node.isString() ? node.getStringValue() : "";
    }
}
