package dev.postdate.feedback;

import java.util.List;
import java.util.stream.Collectors;

/** SES notifications as SES publishes them (docs.aws.amazon.com, "Amazon SES event publishing"), trimmed. */
final class SesSamples {

    private SesSamples() {
    }

    static String bounce(String providerId, String feedbackId, String bounceType, List<String> recipients) {
        return """
                {"eventType":"Bounce","bounce":{"feedbackId":"%s","bounceType":"%s","bounceSubType":"General",
                 "bouncedRecipients":[%s],"timestamp":"2026-12-06T10:00:01.000Z","reportingMTA":"dsn; a.example"},
                 "mail":{"timestamp":"2026-12-06T10:00:00.000Z","source":"news@shop.example","messageId":"%s",
                 "destination":[%s]}}""".formatted(feedbackId, bounceType,
                recipients.stream().map(r -> "{\"emailAddress\":\"" + r + "\",\"action\":\"failed\",\"status\":\"5.1.1\","
                        + "\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}").collect(Collectors.joining(",")),
                providerId, quoted(recipients));
    }

    static String complaint(String providerId, String feedbackId, String recipient) {
        return """
                {"notificationType":"Complaint","complaint":{"feedbackId":"%s","complaintFeedbackType":"abuse",
                 "complainedRecipients":[{"emailAddress":"%s"}],"timestamp":"2026-12-06T10:05:00.000Z"},
                 "mail":{"timestamp":"2026-12-06T10:00:00.000Z","messageId":"%s","destination":["%s"]}}"""
                .formatted(feedbackId, recipient, providerId, recipient);
    }

    static String delivery(String providerId, String recipient) {
        return """
                {"eventType":"Delivery","delivery":{"timestamp":"2026-12-06T10:00:02.000Z","processingTimeMillis":900,
                 "recipients":["%s"],"smtpResponse":"250 2.6.0 Message received"},
                 "mail":{"timestamp":"2026-12-06T10:00:00.000Z","messageId":"%s","destination":["%s"]}}"""
                .formatted(recipient, providerId, recipient);
    }

    static String send(String providerId) {
        return """
                {"eventType":"Send","send":{},"mail":{"timestamp":"2026-12-06T10:00:00.000Z","messageId":"%s",
                 "destination":["a@x.example"]}}""".formatted(providerId);
    }

    /** As SNS delivers to SQS without raw message delivery: the event as a string in an envelope. */
    static String inSnsEnvelope(String event) {
        return "{\"Type\":\"Notification\",\"MessageId\":\"5b8a7c5e-0000-4000-8000-000000000001\","
                + "\"TopicArn\":\"arn:aws:sns:eu-west-1:123456789012:postdate-feedback\",\"Message\":"
                + quote(event) + ",\"Timestamp\":\"2026-12-06T10:05:01.000Z\",\"SignatureVersion\":\"1\"}";
    }

    private static String quoted(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(","));
    }

    private static String quote(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
