package dev.postdate.ranger;

/** A ranger write refused because the writer no longer leads, or the state it read is outdated. */
public class FencedException extends RuntimeException {

    public FencedException(String what, long code) {
        super(what + " refused: " + (code == -1 ? "this ranger no longer holds the leader lease"
                : "the ranger state was changed by another leader"));
    }
}
