package dev.postdate.tracker.sns;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * One message SNS posts to an HTTP(S) endpoint: a {@code Notification}, {@code SubscriptionConfirmation}
 * or {@code UnsubscribeConfirmation}, as SNS documents it. {@code raw} is the body as received, which
 * is what goes on the feedback queue once verified (the consumer reads SNS envelopes).
 */
record SnsEnvelope(String raw, String type, String messageId, String topicArn, String subject, String message,
                   String timestamp, String token, String subscribeUrl, String signatureVersion, String signature,
                   String signingCertUrl) {

    static final String NOTIFICATION = "Notification";
    static final String SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";
    static final String UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";

    /** Empty when the body is not an SNS message (not JSON, no Type, Signature or SigningCertURL). */
    static Optional<SnsEnvelope> parse(JsonMapper json, String body) {
        JsonNode node;
        try {
            node = json.readValue(body, JsonNode.class);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        SnsEnvelope envelope = new SnsEnvelope(body, text(node, "Type"), text(node, "MessageId"), text(node, "TopicArn"),
                text(node, "Subject"), text(node, "Message"), text(node, "Timestamp"), text(node, "Token"),
                text(node, "SubscribeURL"), text(node, "SignatureVersion"), text(node, "Signature"),
                text(node, "SigningCertURL"));
        if (envelope.type() == null || envelope.signature() == null || envelope.signingCertUrl() == null
                || envelope.topicArn() == null || envelope.message() == null || envelope.messageId() == null
                || envelope.timestamp() == null) {
            return Optional.empty();
        }
        return Optional.of(envelope);
    }

    /**
     * What SNS signed: name and value lines of the message's fields in this order, those a type does
     * not have left out (docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html).
     */
    String stringToSign() {
        StringBuilder out = new StringBuilder();
        line(out, "Message", message);
        line(out, "MessageId", messageId);
        if (NOTIFICATION.equals(type)) {
            line(out, "Subject", subject);
            line(out, "Timestamp", timestamp);
            line(out, "TopicArn", topicArn);
            line(out, "Type", type);
        } else {
            line(out, "SubscribeURL", subscribeUrl);
            line(out, "Timestamp", timestamp);
            line(out, "Token", token);
            line(out, "TopicArn", topicArn);
            line(out, "Type", type);
        }
        return out.toString();
    }

    URI certificateUri() {
        return URI.create(signingCertUrl);
    }

    private static void line(StringBuilder out, String name, String value) {
        if (value != null) {
            out.append(name).append('\n').append(value).append('\n');
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isString() ? null : value.getStringValue();
    }
}
