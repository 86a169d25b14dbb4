package dev.postdate.loadtest.demo;

import dev.postdate.loadtest.ProgressBoard;

import dev.postdate.loadtest.PrometheusScrape;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Follows a demo run: accepted (by the REST intake, or expanded by the campaign expander), stored, ranged (taken by a worker), done (an outcome:
 * sent, failed, cancelled or in doubt), the leader's range lag, and each component's peak heap.
 * Counts come from cheap per-state event counts; the exact per-email check is the reconciliation's.
 */
final class DemoWatch implements Runnable {

    private final TenantLedger ledger;
    private final String acceptedLabel;
    private final LongSupplier accepted;
    private final int emails;
    private final SinkPace sinkPace;
    private final List<String> rangerUrls;
    private final Map<String, String> components;
    private final ProgressBoard board;
    private final long everySeconds;
    private final Map<String, Double> peakHeaps = new ConcurrentHashMap<>();
    private final long started = System.nanoTime();
    private volatile long done;
    private volatile String lastError = "";
    private long lastSent;

    /**
     * @param acceptedLabel what the first bar counts ("accepted", "expanded")
     * @param accepted      emails accepted so far, of {@code emails}
     */
    DemoWatch(TenantLedger ledger, String acceptedLabel, LongSupplier accepted, int emails, SinkPace sinkPace,
              List<String> rangerUrls, Map<String, String> components, ProgressBoard board, long everySeconds) {
        this.ledger = ledger;
        this.acceptedLabel = acceptedLabel;
        this.accepted = accepted;
        this.emails = emails;
        this.sinkPace = sinkPace;
        this.rangerUrls = rangerUrls;
        this.components = components;
        this.board = board;
        this.everySeconds = Math.max(1, everySeconds);
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            update();
            try {
                Thread.sleep(Duration.ofSeconds(everySeconds));
            } catch (InterruptedException e) {
                update();
                return;
            }
        }
    }

    private void update() {
        long stored;
        TenantLedger.EventCounts events;
        try {
            stored = ledger.storedRows();
            events = ledger.eventCounts();
            lastError = "";
        } catch (RuntimeException e) {
            lastError = "  (ClickHouse: " + e.getMessage() + ")";
            return;
        }
        done = events.outcomes();
        if (events.sent() > lastSent && lastSent > 0) {
            sinkPace.sample();
        }
        lastSent = events.sent();
        components.forEach((name, url) -> peakHeaps.merge(name, DemoCommand.heapOf(url), Math::max));
        long accepted = this.accepted.getAsLong();
        board.draw(List.of(
                new ProgressBoard.Bar(acceptedLabel, accepted, emails),
                new ProgressBoard.Bar("stored", Math.min(stored, accepted), accepted),
                new ProgressBoard.Bar("ranged", Math.min(events.queued(), accepted), accepted),
                new ProgressBoard.Bar("sent", events.sent(), accepted),
                new ProgressBoard.Bar("done", Math.min(done, accepted), accepted)),
                String.format("range lag %s   elapsed %.0f s   failed %,d  cancelled %,d  in doubt %,d%s", rangeLag(),
                        (System.nanoTime() - started) / 1e9, events.failed(), events.cancelled(), events.inDoubt(), lastError));
    }

    /** The leader's {@code postdate_ranger_range_lag_seconds}: how far behind the due times ranging is. */
    private String rangeLag() {
        for (String url : rangerUrls) {
            PrometheusScrape page = PrometheusScrape.of(url);
            if (page.sum("postdate_ranger_leader", "").orElse(0) == 1) {
                return String.format("%.1f s", page.sum("postdate_ranger_range_lag_seconds", "").orElse(Double.NaN));
            }
        }
        return "? (no leader answered)";
    }

    /** Waits until every accepted email has an outcome; false when the timeout passed first. */
    boolean awaitOutcomes(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (done >= accepted.getAsLong() && accepted.getAsLong() > 0 && exactlyDone()) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** Event counts may hold a row twice (a retried flush): confirm with the per-email states. */
    private boolean exactlyDone() {
        try {
            return ledger.emailsWithOutcome() >= accepted.getAsLong();
        } catch (RuntimeException e) {
            return false;
        }
    }

    Map<String, Double> peakHeaps() {
        return new LinkedHashMap<>(peakHeaps);
    }
}
