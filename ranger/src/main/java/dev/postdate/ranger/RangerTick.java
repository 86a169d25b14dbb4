package dev.postdate.ranger;

import dev.postdate.clickhouse.ranging.ReadyEmails;
import dev.postdate.core.range.EmailKey;
import dev.postdate.core.range.RangeMessage;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of the ranger: extend the covered rectangle to (now, horizon), cut what that adds into
 * ranges, put them on the queue. See docs/ranging.md for why this covers every email exactly once.
 */
@Singleton
public class RangerTick {

    /** What a tick did. */
    public record Outcome(long tick, int ranges, long emails, long oldestSendAt, boolean repeated) {

        static final Outcome NOTHING = new Outcome(0, 0, 0, Long.MAX_VALUE, false);
    }

    private static final Logger LOG = LoggerFactory.getLogger(RangerTick.class);

    private final RangerStateStore store;
    private final ReadyEmails readyEmails;
    private final SeqHorizon horizon;
    private final RangePublisher publisher;
    private final RangeCutter cutter;
    private final Clock clock;

    public RangerTick(RangerStateStore store, ReadyEmails readyEmails, SeqHorizon horizon,
                      RangePublisher publisher, RangerSettings settings, Clock clock) {
        this.store = store;
        this.readyEmails = readyEmails;
        this.horizon = horizon;
        this.publisher = publisher;
        this.cutter = new RangeCutter(settings.rangeSize());
        this.clock = clock;
    }

    /**
     * Runs one tick as the leader holding {@code fence}.
     *
     * @throws FencedException when another ranger has taken over
     */
    public Outcome run(long fence) {
        RangerState state = store.load();
        if (!state.done()) {
            // A leader died between planning and finishing this tick: emit it again, identically.
            Outcome outcome = emit(fence, state.tick(), state.previousSendAt(), state.previousSeq(),
                    state.sendAtCovered(), state.seqCovered(), true);
            LOG.info("Re-emitted tick {} planned by an earlier leader: {} ranges", state.tick(), outcome.ranges());
            return outcome;
        }
        long sendAt = Math.max(state.sendAtCovered(), clock.instant().getEpochSecond());
        long seq = Math.max(state.seqCovered(), horizon.current());
        if (sendAt == state.sendAtCovered() && seq == state.seqCovered()) {
            return Outcome.NOTHING;
        }
        long tick = store.plan(fence, state, sendAt, seq);
        return emit(fence, tick, state.sendAtCovered(), state.seqCovered(), sendAt, seq, false);
    }

    private Outcome emit(long fence, long tick, long fromSendAt, long fromSeq, long toSendAt, long toSeq,
                         boolean repeated) {
        List<EmailKey> due = readyEmails.dueKeys(fromSendAt, toSendAt, toSeq);
        List<EmailKey> late = fromSeq < toSeq ? readyEmails.lateKeys(fromSeq, toSeq, fromSendAt) : List.of();
        List<RangeMessage> ranges = new ArrayList<>();
        addRanges(ranges, tick, fence, "d", cutter.cutDue(due, toSeq));
        addRanges(ranges, tick, fence, "l", cutter.cutLate(late, fromSeq));
        publisher.publish(ranges);
        store.markDone(fence, tick);
        long oldest = Math.min(due.isEmpty() ? Long.MAX_VALUE : due.getFirst().sendAtEpochSecond(),
                late.stream().mapToLong(EmailKey::sendAtEpochSecond).min().orElse(Long.MAX_VALUE));
        return new Outcome(tick, ranges.size(), due.size() + late.size(), oldest, repeated);
    }

    private static void addRanges(List<RangeMessage> ranges, long tick, long fence, String kind,
                                  List<RangeCutter.Cut> cuts) {
        for (int i = 0; i < cuts.size(); i++) {
            RangeCutter.Cut cut = cuts.get(i);
            ranges.add(new RangeMessage(tick + "-" + kind + i, tick, cut.bounds(), cut.expected(), fence));
        }
    }
}
