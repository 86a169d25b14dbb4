package dev.postdate.ranger;

import dev.postdate.core.range.EmailKey;
import dev.postdate.core.range.RangeBounds;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts sorted keys into consecutive ranges of at most {@code rangeSize} emails. Pure: the same keys
 * always give the same ranges, which is what lets a restarted ranger emit a tick again unchanged.
 */
public final class RangeCutter {

    /** One cut range with the number of emails it holds. */
    public record Cut(RangeBounds bounds, int expected) {
    }

    private final int rangeSize;

    public RangeCutter(int rangeSize) {
        this.rangeSize = rangeSize;
    }

    /**
     * Ranges over due emails with {@code seq <= seqUpTo} and a key above {@code keyAfter} (null: the
     * start of the tick); {@code keys} are the next such keys, in key order. Consecutive ranges share a
     * key boundary, so no email falls between two of them and none is in both.
     */
    public List<Cut> cutDue(List<EmailKey> keys, long seqUpTo, EmailKey keyAfter) {
        List<Cut> cuts = new ArrayList<>();
        EmailKey previousLast = keyAfter;
        for (int from = 0; from < keys.size(); from += rangeSize) {
            List<EmailKey> chunk = keys.subList(from, Math.min(from + rangeSize, keys.size()));
            EmailKey first = chunk.getFirst();
            EmailKey last = chunk.getLast();
            // Tight send_at bounds keep the worker's read a small slice of the sort key.
            cuts.add(new Cut(new RangeBounds(first.sendAtEpochSecond() - 1, last.sendAtEpochSecond(),
                    0, seqUpTo, previousLast, last), chunk.size()));
            previousLast = last;
        }
        return cuts;
    }

    /**
     * Ranges over late arrivals: emails with {@code seqAfter < seq} that were due when they
     * arrived; {@code keys} are all such keys, in seq order. Each range is an interval of seq,
     * bounded on send_at by the least and greatest due time inside it.
     */
    public List<Cut> cutLate(List<EmailKey> keys, long seqAfter) {
        List<Cut> cuts = new ArrayList<>();
        long previousSeq = seqAfter;
        for (int from = 0; from < keys.size(); from += rangeSize) {
            List<EmailKey> chunk = keys.subList(from, Math.min(from + rangeSize, keys.size()));
            long minSendAt = Long.MAX_VALUE;
            long maxSendAt = Long.MIN_VALUE;
            for (EmailKey key : chunk) {
                minSendAt = Math.min(minSendAt, key.sendAtEpochSecond());
                maxSendAt = Math.max(maxSendAt, key.sendAtEpochSecond());
            }
            long lastSeq = chunk.getLast().seq();
            cuts.add(new Cut(new RangeBounds(minSendAt - 1, maxSendAt, previousSeq, lastSeq, null, null),
                    chunk.size()));
            previousSeq = lastSeq;
        }
        return cuts;
    }
}
