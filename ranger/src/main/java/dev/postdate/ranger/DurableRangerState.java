package dev.postdate.ranger;

import dev.postdate.clickhouse.ranging.RangerJournal;
import dev.postdate.core.range.RangerState;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ranger's progress kept in two places: Redis serializes leaders (fenced compare-and-set) and the
 * ClickHouse journal survives Redis losing its last writes or everything. Every read takes the newer
 * of the two and repairs Redis when the journal is ahead; docs/ranging.md argues why the result
 * never claims a range that is not on the queue.
 */
@Singleton
public class DurableRangerState {

    private static final Logger LOG = LoggerFactory.getLogger(DurableRangerState.class);

    private final RangerStateStore redis;
    private final RangerJournal journal;

    public DurableRangerState(RangerStateStore redis, RangerJournal journal) {
        this.redis = redis;
        this.journal = journal;
    }

    /** The newest known state, written back to Redis when only the journal knew it. */
    public RangerState load(long fence) {
        RangerState cached = redis.load();
        RangerState durable = journal.newestFrom(cached.tick()).orElse(RangerState.INITIAL);
        if (RangerState.ORDER.compare(durable, cached) <= 0) {
            return cached;
        }
        LOG.warn("Redis held ranger tick {} ({}), the journal tick {} ({}): Redis lost writes; continuing from the journal",
                cached.tick(), cached.progress().stage(), durable.tick(), durable.progress().stage());
        redis.replace(fence, cached, durable);
        return durable;
    }

    /** Saves a tick's plan in both places before any of its ranges is published. */
    public RangerState plan(long fence, RangerState done, long sendAt, long seq) {
        RangerState planned = done.next(sendAt, seq);
        redis.replace(fence, done, planned);
        journal.record(planned, fence);
        return planned;
    }

    /** Writes a plan taken over from another leader to the journal, which may have missed it. */
    public void confirm(long fence, RangerState state) {
        journal.record(state, fence);
    }

    /** Records that the ranges up to {@code progress} are on the queue. */
    public RangerState advance(long fence, RangerState state, RangerState.Progress progress) {
        RangerState next = state.with(progress);
        redis.replace(fence, state, next);
        journal.record(next, fence);
        return next;
    }
}
