package dev.postdate.api.batches;

import dev.postdate.api.ApiSettings;
import dev.postdate.api.intake.Tokens;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.clickhouse.status.BatchStatusStore;
import dev.postdate.core.state.BatchControl;
import dev.postdate.core.state.BatchControls;
import dev.postdate.core.state.EmailStatus;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/**
 * Batch controls and batch counts. A cancel is durable in ClickHouse ({@code batch_controls}) and
 * cached in Redis; pause and resume live in Redis alone (losing a pause sends wanted mail early, never
 * unwanted mail: docs/worker.md), with ClickHouse's rows as their audit trail.
 * A batch may be controlled before any of its emails arrived, so controls do not require one.
 */
@Singleton
public class Batches {

    /** Counts per state and the control; in a cancelled batch, unsent emails count as cancelled. */
    public record BatchView(BatchControl control, Map<EmailStatus, Long> counts) {
    }

    private final BatchControls controls;
    private final BatchStatusStore store;
    private final ApiSettings settings;
    private final Clock clock;

    public Batches(BatchControls controls, BatchStatusStore store, ApiSettings settings, Clock clock) {
        this.controls = controls;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    public BatchControl pause(String tenant, String batchId) {
        checkId(batchId);
        refuseIfCancelled(store.isCancelled(tenant, batchId) ? BatchControl.CANCELLED : BatchControl.ACTIVE);
        refuseIfCancelled(controls.pause(tenant, batchId, settings.batchControlTtl()));
        store.recordControl(tenant, batchId, "pause", clock.instant());
        return BatchControl.PAUSED;
    }

    public BatchControl resume(String tenant, String batchId) {
        checkId(batchId);
        refuseIfCancelled(controls.resume(tenant, batchId));
        store.recordControl(tenant, batchId, "resume", clock.instant());
        return BatchControl.ACTIVE;
    }

    /**
     * Redis first (workers read it within {@code batch-control-cache}), then ClickHouse, which a
     * worker's pass reads whatever Redis says: the 200 comes once the cancel is durable. A cancel
     * whose ClickHouse write failed (503) is written by its repetition.
     */
    public BatchControl cancel(String tenant, String batchId) {
        checkId(batchId);
        if (controls.cancel(tenant, batchId, settings.batchControlTtl()) != BatchControl.CANCELLED
                || !store.isCancelled(tenant, batchId)) {
            store.recordControl(tenant, batchId, "cancel", clock.instant());
        }
        return BatchControl.CANCELLED;
    }

    /** @throws ProblemException 404 when the tenant neither sent nor controlled such a batch */
    public BatchView view(String tenant, String batchId) {
        checkId(batchId);
        BatchView view = current(tenant, batchId);
        requireKnown(tenant, batchId, view.counts().values().stream().mapToLong(Long::longValue).sum());
        return view;
    }

    /** @throws ProblemException 404 for an id no batch can have */
    public void requireWellFormed(String batchId) {
        checkId(batchId);
    }

    /**
     * For reads that count a batch's emails themselves (stats): a batch without {@code emails}, with no
     * control and never cancelled is unknown to the tenant, a 404, as in {@link #view}.
     */
    public void requireKnown(String tenant, String batchId, long emails) {
        if (emails == 0 && control(tenant, batchId) == BatchControl.ACTIVE && !store.hasControls(tenant, batchId)) {
            throw notFound();
        }
    }

    /** The batch's control and counts, all 0 for a batch that has no email (yet). */
    public BatchView current(String tenant, String batchId) {
        Map<EmailStatus, Long> found = store.counts(tenant, batchId);
        BatchControl control = control(tenant, batchId);
        Map<EmailStatus, Long> counts = new EnumMap<>(EmailStatus.class);
        for (EmailStatus state : EmailStatus.values()) {
            EmailStatus shown = control == BatchControl.CANCELLED && state.isPending() ? EmailStatus.CANCELLED : state;
            counts.merge(shown, found.getOrDefault(state, 0L), Long::sum);
            counts.putIfAbsent(state, 0L);
        }
        return new BatchView(control, counts);
    }

    /** Cancelled when ClickHouse holds a cancel (durable, whatever Redis says); else what Redis says. */
    public BatchControl control(String tenant, String batchId) {
        return store.isCancelled(tenant, batchId) ? BatchControl.CANCELLED : controls.current(tenant, batchId);
    }

    private void checkId(String batchId) {
        if (!Tokens.isBatchId(batchId, settings.maxIdLength())) {
            throw notFound();
        }
    }

    private static void refuseIfCancelled(BatchControl prior) {
        if (prior == BatchControl.CANCELLED) {
            throw new ProblemException(ProblemType.CONFLICT, "The batch is cancelled; that is final");
        }
    }

    private static ProblemException notFound() {
        return new ProblemException(ProblemType.NOT_FOUND, "No such batch");
    }
}
