package dev.postdate.worker.send;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

/**
 * A send that did not end with the provider's acceptance, classified by what it means for a retry.
 * The message is the provider's reason (no personal data).
 */
public class SendException extends Exception {

    public enum Kind {
        /** The provider refused for rate: surely not accepted; wait and retry, not a failure. */
        THROTTLED,
        /** Surely not accepted (a 5xx answer, SMTP 4xx): retry with backoff up to max attempts. */
        TRANSIENT,
        /**
         * The provider could not be reached (connect refused, unknown host, connect timeout): no byte
         * reached it. An outage, not this email's fault: retried up to unreachable-max-wait, then given back.
         */
        UNREACHABLE,
        /** Refused for good (invalid address, rejected content, SMTP 5xx): fail at once. */
        PERMANENT,
        /** The request may have reached the provider and no answer came: never retried blindly. */
        AMBIGUOUS,
        /**
         * Not the provider's: before the call the send guard no longer held this worker's claim (another
         * pass took it over, or Redis lost it). Surely not sent, and no longer this worker's to send.
         */
        CLAIM_LOST,
        /**
         * Not the provider's: the email's {@code expires_at} passed while it waited for a call slot or a
         * rate permit, before its first provider call began. Surely not sent, and not to be sent late.
         */
        EXPIRED
    }

    private final Kind kind;

    public SendException(Kind kind, String reason, Throwable cause) {
        super(reason, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether the failure happened while connecting: then no byte of the request reached the provider. */
    public static boolean neverConnected(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException
                    || t.getClass().getName().endsWith("ConnectTimeoutException")
                    || t.getClass().getName().endsWith("HttpHostConnectException")) {
                return true;
            }
        }
        return false;
    }
}
