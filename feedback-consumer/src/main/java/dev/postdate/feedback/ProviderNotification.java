package dev.postdate.feedback;

import java.time.Instant;
import java.util.List;

/**
 * What one notification of the provider says about one sent message.
 *
 * @param type           delivered, bounced, complained, rejected or delayed (FeedbackEvent's types)
 * @param providerId     the provider's id of the message (what its send call returned)
 * @param notificationId the same for every copy of this notification, so that a copy folds into it
 * @param subtype        a bounce's permanent, transient or undetermined; a complaint's feedback type
 * @param recipients     the recipients it concerns, each with the provider's diagnostic
 */
record ProviderNotification(String type, String providerId, String notificationId, String subtype,
                            List<Recipient> recipients, Instant at) {

    record Recipient(String address, String detail) {
    }

    /** What a suppression names as its cause: {@code ses:<feedback id>}, or {@code dsn:<report>} for a DSN. */
    String source() {
        return notificationId.startsWith(DsnReports.DSN_PREFIX) ? notificationId : "ses:" + notificationId;
    }

    boolean isHardBounce() {
        return type.equals(SesNotifications.BOUNCED) && subtype.equals(SesNotifications.PERMANENT);
    }

    /** A bounce SES could not classify counts as a soft one: it suppresses only when it repeats. */
    boolean isSoftBounce() {
        return type.equals(SesNotifications.BOUNCED) && !subtype.equals(SesNotifications.PERMANENT);
    }

    boolean isComplaint() {
        return type.equals(SesNotifications.COMPLAINED);
    }
}
