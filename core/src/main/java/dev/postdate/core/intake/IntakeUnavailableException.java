package dev.postdate.core.intake;

/** SQS did not acknowledge every intake message of a request. */
public class IntakeUnavailableException extends RuntimeException {

    public IntakeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
