package dev.postdate.clickhouse.feedback;

import java.time.Instant;

/**
 * One event a provider reported about one recipient of one email.
 *
 * @param type           what happened: {@code delivered}, {@code bounced}, {@code complained},
 *                       {@code rejected}, {@code delayed}
 * @param notificationId the same in every copy of one notification (SES: its feedback id, else the
 *                       type, message id and timestamp), so that a notification delivered twice is one event
 * @param subtype        {@code permanent}, {@code transient} or {@code undetermined} for a bounce, the
 *                       feedback type for a complaint, empty otherwise
 * @param detail         the provider's diagnostic (SMTP status and text); personal data: never logged
 */
public record FeedbackEvent(String tenant, String recipient, String type, String notificationId, String emailId,
                            String batchId, String providerId, String subtype, String detail, Instant at,
                            Instant received) {
}
