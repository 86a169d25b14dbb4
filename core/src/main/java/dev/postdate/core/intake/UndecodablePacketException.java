package dev.postdate.core.intake;

/** An intake message that no retry can ingest. The message says why, without the payload. */
public class UndecodablePacketException extends RuntimeException {

    public UndecodablePacketException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
