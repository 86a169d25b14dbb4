package dev.postdate.core.template;

/** An email that cannot be rendered; the message is the reason shown to the client. */
public class RenderException extends RuntimeException {

    public RenderException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
