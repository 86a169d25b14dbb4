package dev.postdate.clickhouse.ranging;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.core.range.RangerState;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The ranger's progress in ClickHouse ({@code ranger_progress}): what survives when Redis loses the
 * ranger's state, in part or whole. Only numbers are written, so nothing needs escaping.
 */
@Singleton
public final class RangerJournal {

    private final ClickHouseSql sql;
    private final Clock clock;

    public RangerJournal(ClickHouseSql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    /** Appends a state; the caller writes a progress only once what it claims is on the queue. */
    public void record(RangerState state, long fence) {
        RangerState.Progress progress = state.progress();
        sql.execute("INSERT INTO " + sql.table("ranger_progress")
                + " (tick, stage, after_s, after_q, prev_s, prev_q, s, q, fence, at_ms) VALUES ("
                + state.tick() + ", " + progress.stage().ordinal() + ", " + progress.afterSendAt() + ", "
                + progress.afterSeq() + ", " + state.previousSendAt() + ", " + state.previousSeq() + ", "
                + state.sendAtCovered() + ", " + state.seqCovered() + ", " + fence + ", " + clock.millis() + ")");
    }

    /**
     * The newest recorded state of tick {@code fromTick} or later. The lower bound keeps the read to the
     * newest granules of the sort key (18.16 sorts whatever it matched).
     */
    public Optional<RangerState> newestFrom(long fromTick) {
        List<List<String>> rows = sql.select("SELECT tick, stage, after_s, after_q, prev_s, prev_q, s, q FROM "
                + sql.table("ranger_progress") + " WHERE tick >= " + fromTick
                + " ORDER BY tick DESC, stage DESC, after_s DESC, after_q DESC LIMIT 1");
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<String> row = rows.getFirst();
        RangerState.Progress progress = new RangerState.Progress(
                RangerState.Stage.values()[Integer.parseInt(row.get(1))],
                Long.parseLong(row.get(2)), Long.parseLong(row.get(3)));
        return Optional.of(new RangerState(Long.parseLong(row.get(0)), Long.parseLong(row.get(4)),
                Long.parseLong(row.get(5)), Long.parseLong(row.get(6)), Long.parseLong(row.get(7)), progress));
    }
}
