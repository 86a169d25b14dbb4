package dev.postdate.core.sqs.dlq;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Summaries of the feedback and tracking queues' bodies that name no person (see {@link DeadLetterDetail}). */
final class DeadLetterSummaries {

    private DeadLetterSummaries() {
    }

    /** SES's event publishing ({@code eventType}) or identity notifications ({@code notificationType}), SNS envelope or raw. */
    static DeadLetterDetail.NotificationSummary notification(JsonMapper json, JsonNode body) throws IOException {
        JsonNode ses = body;
        JsonNode message = body.get("Message");
        if (message != null && message.isString()) {
            ses = json.readValue(message.getStringValue(), JsonNode.class);
        }
        String type = text(ses, "eventType");
        if (type == null) {
            type = text(ses, "notificationType");
        }
        if (type == null) {
            throw new IOException("no eventType or notificationType");
        }
        JsonNode mail = ses.get("mail");
        return new DeadLetterDetail.NotificationSummary(type, mail == null ? null : text(mail, "messageId"));
    }

    /** The events of one tracking message (a JSON array of them). */
    static DeadLetterDetail.TrackingSummary trackingEvents(JsonNode body) throws IOException {
        if (!body.isArray()) {
            throw new IOException("not a list");
        }
        TreeSet<String> types = new TreeSet<>();
        TreeSet<String> tenants = new TreeSet<>();
        for (JsonNode event : body.values()) {
            String type = text(event, "type");
            String tenant = text(event, "tenant");
            if (type != null) {
                types.add(type);
            }
            if (tenant != null) {
                tenants.add(tenant);
            }
        }
        return new DeadLetterDetail.TrackingSummary(body.size(), new ArrayList<>(types), List.copyOf(tenants));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.isObject() ? node.get(field) : null;
        return value != null && value.isString() ? value.getStringValue() : null;
    }
}
