package dev.postdate.ranger;

import dev.postdate.clickhouse.ranging.ReadyEmails;
import dev.postdate.core.range.EmailKey;
import dev.postdate.core.range.RangeId;
import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.range.RangerState;
import dev.postdate.core.range.RangerState.Progress;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of the ranger: extend the covered rectangle to (now, horizon), cut at most
 * {@code max-ranges-per-tick} ranges of what that adds, put them on the queue, record how far they
 * reach. A tick that adds more (5M emails due at 8 PM) takes several steps, each bounded in memory
 * and time, so the lease is renewed between them. See docs/ranging.md for why this covers every
 * email exactly once.
 */
@Singleton
public class RangerTick {

    /**
     * What a step did.
     *
     * @param resumed  it continued a tick left unfinished by an earlier leader or a crash
     * @param finished the tick is done; otherwise the next step should follow at once
     */
    public record Outcome(long tick, int ranges, long emails, long oldestSendAt, boolean resumed, boolean finished) {

        static final Outcome NOTHING = new Outcome(0, 0, 0, Long.MAX_VALUE, false, true);
    }

    private static final Logger LOG = LoggerFactory.getLogger(RangerTick.class);

    private final DurableRangerState state;
    private final ReadyEmails readyEmails;
    private final SeqHorizon horizon;
    private final RangePublisher publisher;
    private final RangeCutter cutter;
    private final int keysPerStep;
    private final Clock clock;
    /** The state this instance wrote last: any other unfinished state was left by someone else. */
    private volatile RangerState written;

    public RangerTick(DurableRangerState state, ReadyEmails readyEmails, SeqHorizon horizon,
                      RangePublisher publisher, RangerSettings settings, Clock clock) {
        this.state = state;
        this.readyEmails = readyEmails;
        this.horizon = horizon;
        this.publisher = publisher;
        this.cutter = new RangeCutter(settings.rangeSize());
        this.keysPerStep = Math.multiplyExact(settings.maxRangesPerTick(), settings.rangeSize());
        this.clock = clock;
    }

    /**
     * Runs one step as the leader holding {@code fence}.
     *
     * @throws FencedException when another ranger has taken over
     */
    public Outcome run(long fence) {
        RangerState current = state.load(fence);
        boolean resumed = false;
        if (current.done()) {
            long sendAt = Math.max(current.sendAtCovered(), clock.instant().getEpochSecond());
            long seq = Math.max(current.seqCovered(), horizon.current());
            if (sendAt == current.sendAtCovered() && seq == current.seqCovered()) {
                return Outcome.NOTHING;
            }
            current = state.plan(fence, current, sendAt, seq);
        } else if (!current.equals(written)) {
            // A leader died (or Redis lost writes) inside this tick: the ranges from here on are a pure
            // function of the saved state and final data, so they come out identical, with the same ids.
            resumed = true;
            state.confirm(fence, current);
            LOG.info("Resuming tick {} at {} left by an earlier leader", current.tick(), current.progress());
        }
        Step step = cut(current, fence);
        publisher.publish(step.ranges);
        written = state.advance(fence, current, step.reached);
        return new Outcome(current.tick(), step.ranges.size(), step.emails, step.oldestSendAt, resumed,
                step.reached.stage() == RangerState.Stage.DONE);
    }

    private static final class Step {
        final List<RangeMessage> ranges = new ArrayList<>();
        long emails;
        long oldestSendAt = Long.MAX_VALUE;
        Progress reached;

        void add(List<RangeCutter.Cut> cuts, List<EmailKey> keys, long tick, long fence) {
            for (RangeCutter.Cut cut : cuts) {
                ranges.add(new RangeMessage(RangeId.of(cut.bounds()), tick, cut.bounds(), cut.expected(), fence));
            }
            emails += keys.size();
            for (EmailKey key : keys) {
                oldestSendAt = Math.min(oldestSendAt, key.sendAtEpochSecond());
            }
        }
    }

    /** The next ranges of the tick, at most {@code keysPerStep} emails: due ones first, then late ones. */
    private Step cut(RangerState tick, long fence) {
        Step step = new Step();
        int budget = keysPerStep;
        Progress progress = tick.progress();
        if (progress.stage().compareTo(RangerState.Stage.LATE_AFTER_SEQ) < 0) {
            EmailKey after = progress.dueKeyAfter();
            List<EmailKey> due = readyEmails.dueKeys(tick.previousSendAt(), after, tick.sendAtCovered(),
                    tick.seqCovered(), budget);
            step.add(cutter.cutDue(due, tick.seqCovered(), after), due, tick.tick(), fence);
            if (due.size() == budget) {
                step.reached = Progress.dueAfter(due.getLast());
                return step;
            }
            budget -= due.size();
            progress = Progress.lateAfter(tick.previousSeq());
        }
        long seqAfter = progress.afterSeq();
        if (seqAfter < tick.seqCovered()) {
            List<EmailKey> late = readyEmails.lateKeys(seqAfter, tick.seqCovered(), tick.previousSendAt(), budget);
            step.add(cutter.cutLate(late, seqAfter), late, tick.tick(), fence);
            if (late.size() == budget) {
                step.reached = Progress.lateAfter(late.getLast().seq());
                return step;
            }
        }
        step.reached = Progress.DONE;
        return step;
    }
}
