package dev.postdate.core.range;

import java.util.Comparator;

/**
 * What the ranger has covered. Before tick {@code tick} every email with {@code send_at <= previousSendAt}
 * and {@code seq <= previousSeq} was covered; the tick extends that to {@code send_at <= sendAtCovered}
 * and {@code seq <= seqCovered} in steps (docs/ranging.md), and {@link #progress} says how far its
 * published ranges reach. Progress only grows, in the order of {@link #ORDER}: of two copies of the
 * state (Redis, the ClickHouse journal) the greater one is the newer.
 *
 * @param tick           number of the newest tick, 0 before the first
 * @param previousSendAt the rectangle this tick started from
 * @param previousSeq    the rectangle this tick started from
 * @param sendAtCovered  epoch second up to which due emails are covered once the tick is done
 * @param seqCovered     arrival sequence up to which they are covered once the tick is done
 * @param progress       what of the tick is on the ranges queue
 */
public record RangerState(long tick, long previousSendAt, long previousSeq, long sendAtCovered, long seqCovered,
                          Progress progress) {

    public static final RangerState INITIAL = new RangerState(0, 0, 0, 0, 0, Progress.DONE);

    public static final Comparator<RangerState> ORDER = Comparator.comparingLong(RangerState::tick)
            .thenComparing(RangerState::progress, Progress.ORDER);

    /** The stages of a tick, in the order it goes through them. */
    public enum Stage {
        /** No range of the tick is published yet. */
        DUE_FROM_START,
        /** Due emails up to the key {@code (afterSendAt, afterSeq)} are published. */
        DUE_AFTER_KEY,
        /** Every due range is published, and late arrivals up to seq {@code afterSeq}. */
        LATE_AFTER_SEQ,
        /** Every range of the tick is published. */
        DONE
    }

    /**
     * How far a tick's published ranges reach.
     *
     * @param afterSendAt with {@link Stage#DUE_AFTER_KEY}: the last published due key's second
     * @param afterSeq    with {@link Stage#DUE_AFTER_KEY}: its seq; with {@link Stage#LATE_AFTER_SEQ}: the
     *                    last published late arrival's seq
     */
    public record Progress(Stage stage, long afterSendAt, long afterSeq) {

        public static final Progress DONE = new Progress(Stage.DONE, 0, 0);
        public static final Progress NOT_STARTED = new Progress(Stage.DUE_FROM_START, 0, 0);

        public static final Comparator<Progress> ORDER = Comparator.comparing(Progress::stage)
                .thenComparingLong(Progress::afterSendAt).thenComparingLong(Progress::afterSeq);

        public static Progress dueAfter(EmailKey key) {
            return new Progress(Stage.DUE_AFTER_KEY, key.sendAtEpochSecond(), key.seq());
        }

        public static Progress lateAfter(long seq) {
            return new Progress(Stage.LATE_AFTER_SEQ, 0, seq);
        }

        /** The last published due key, or null when the due stage starts from the tick's beginning. */
        public EmailKey dueKeyAfter() {
            return stage == Stage.DUE_AFTER_KEY ? new EmailKey(afterSendAt, afterSeq) : null;
        }
    }

    public boolean done() {
        return progress.stage() == Stage.DONE;
    }

    public RangerState with(Progress next) {
        return new RangerState(tick, previousSendAt, previousSeq, sendAtCovered, seqCovered, next);
    }

    /** The tick after this finished one, covering up to {@code (sendAt, seq)}. */
    public RangerState next(long sendAt, long seq) {
        return new RangerState(tick + 1, sendAtCovered, seqCovered, sendAt, seq, Progress.NOT_STARTED);
    }

    public static RangerState newer(RangerState a, RangerState b) {
        return ORDER.compare(a, b) >= 0 ? a : b;
    }
}
