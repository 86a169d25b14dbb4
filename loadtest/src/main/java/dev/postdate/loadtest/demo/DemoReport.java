package dev.postdate.loadtest.demo;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The demo's closing words: a readable summary, then the one-line JSON the issue and scripts rely on. */
final class DemoReport {

    private final PrintStream out;

    DemoReport(PrintStream out) {
        this.out = out;
    }

    void summary(DemoPlan plan, String tenant, String sender, long accepted, double intakeSeconds, Reconciliation.Counts counts,
                 TenantLedger.Delivery delivery, double emailsPerSecond, Map<String, Double> peakHeaps) {
        out.println();
        out.printf(Locale.ROOT, "== demo %s (tenant %s, sender %s)%n", plan.run(), tenant, sender);
        row("accepted", accepted, String.format(Locale.ROOT, "in %.1f s, %,.0f emails/s through the REST API",
                intakeSeconds, accepted / Math.max(0.001, intakeSeconds)));
        row("sent", counts.sent, "received by the sink");
        row("failed", counts.failed, "");
        row("cancelled", counts.cancelled, "batch " + plan.cancelledBatchId() + " (cancelled before it was due)");
        row("in doubt", counts.inDoubt.size(), "claimed by a worker that died before the provider answered");
        row("duplicates", counts.duplicates, "receipts beyond the first");
        row("lost", counts.lost, "accepted, never sent, no failure recorded");
        if (counts.wrongContent > 0) {
            row("wrong content", counts.wrongContent, "mails whose subject is not their recipient's");
        }
        if (counts.unrecorded > 0) {
            row("unrecorded", counts.unrecorded, "received by the sink but not (yet) recorded as sent in ClickHouse");
        }
        list("in doubt", counts.inDoubt);
        list("sent after their cancel", counts.cancelledButSent);
        list("duplicated", counts.duplicated);
        list("lost", counts.lostIds);
        out.printf(Locale.ROOT, "lateness     p50 %,d ms, p99 %,d ms (first sent event minus send_at)%n",
                delivery.latenessP50Ms(), delivery.latenessP99Ms());
        out.printf(Locale.ROOT, "sending      %,.0f emails/s (%,d scheduled emails, from the first one's send_at to the last one sent)%n",
                emailsPerSecond, delivery.burstSent());
        if (!peakHeaps.isEmpty()) {
            out.println("peak heap    " + peakHeaps.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.0f MB", e.getKey(), e.getValue() / 1e6))
                    .collect(Collectors.joining(", ")));
        }
        out.println(counts.correct() ? "RESULT: every email accounted for; none lost, none sent twice"
                : "RESULT: FAILED: see lost / duplicates / wrong content above");
    }

    String json(long accepted, Reconciliation.Counts counts, TenantLedger.Delivery delivery, double emailsPerSecond) {
        return String.format(Locale.ROOT, "{\"accepted\":%d,\"sent\":%d,\"failed\":%d,\"cancelled\":%d,\"in_doubt\":%d,"
                        + "\"duplicates\":%d,\"lost\":%d,\"lateness_p50_ms\":%d,\"lateness_p99_ms\":%d,\"emails_per_s\":%.0f}",
                accepted, counts.sent, counts.failed, counts.cancelled, counts.inDoubt.size(), counts.duplicates, counts.lost,
                delivery.latenessP50Ms(), delivery.latenessP99Ms(), emailsPerSecond);
    }

    private void row(String label, long value, String note) {
        out.printf(Locale.ROOT, "%-12s %,11d  %s%n", label, value, note);
    }

    private void list(String what, List<String> ids) {
        if (!ids.isEmpty()) {
            out.println(what + " (first " + ids.size() + "): " + String.join(", ", ids));
        }
    }
}
