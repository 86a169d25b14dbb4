package dev.postdate.core.intake;

import java.util.List;

/** Emails that do not fit one intake message even alone, by their index in the list given to pack. */
public class OversizedEmailsException extends RuntimeException {

    private final List<Integer> indexes;

    public OversizedEmailsException(List<Integer> indexes) {
        super(indexes.size() + " emails do not fit one intake message", null, false, false);
        this.indexes = indexes;
    }

    public List<Integer> indexes() {
        return indexes;
    }
}
