package dev.postdate.worker.send;

/** A mail provider. Implementations never retry on their own: {@code SendPolicy} owns retries. */
public interface Sender {

    /** @return the provider's message id once it accepted the email */
    String send(OutgoingEmail email) throws SendException;

    /** ses, smtp or blackhole: part of the fleet-wide rate-limit key. */
    String name();
}
