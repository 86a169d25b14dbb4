package dev.postdate.ranger;

/**
 * What the ranger has covered: every email with {@code send_at <= sendAtCovered} and
 * {@code seq <= seqCovered}. A tick is first saved as planned (its target rectangle with the
 * rectangle it started from) and marked done after its ranges are on the queue, so a restart
 * can emit a planned tick again, identically.
 *
 * @param tick          number of the newest tick, 0 before the first
 * @param sendAtCovered epoch second up to which due emails are covered
 * @param seqCovered    arrival sequence up to which they are covered
 * @param previousSendAt the rectangle this tick started from
 * @param previousSeq   the rectangle this tick started from
 * @param done          whether the tick's ranges are all on the queue
 */
public record RangerState(long tick, long sendAtCovered, long seqCovered,
                          long previousSendAt, long previousSeq, boolean done) {

    public static final RangerState INITIAL = new RangerState(0, 0, 0, 0, 0, true);
}
