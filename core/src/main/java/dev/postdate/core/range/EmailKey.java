package dev.postdate.core.range;

import io.micronaut.serde.annotation.Serdeable;

/**
 * An email's position in the sort key of the emails table: due second, then arrival sequence.
 * Redelivered copies of one email share it, so counting keys counts emails.
 */
@Serdeable
public record EmailKey(long sendAtEpochSecond, long seq) implements Comparable<EmailKey> {

    @Override
    public int compareTo(EmailKey other) {
        int bySecond = Long.compare(sendAtEpochSecond, other.sendAtEpochSecond);
        return bySecond != 0 ? bySecond : Long.compare(seq, other.seq);
    }
}
