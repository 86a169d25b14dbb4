package dev.postdate.loadtest.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** The demo's closing words: a readable summary, then the one-line JSON the issue and scripts rely on. */
final class DemoReport {

    private static final int LISTED = 20;
    private static final JsonFactory JSON = new JsonFactory();

    private final PrintStream out;

    DemoReport(PrintStream out) {
        this.out = out;
    }

    /**
     * @param title         the heading: which run, tenant and sender
     * @param acceptedNote  how the emails came in (REST intake, campaign expansion) and how fast
     * @param cancelledNote which emails were cancelled, and when
     * @param notes         lines of the run's own (timeliness, the sink's pace), printed before the result
     * @param correct       whether the run passed: the reconciliation, and the run's own checks
     */
    void summary(String title, long accepted, String acceptedNote, String cancelledNote, Reconciliation.Counts counts,
                 TenantLedger.Delivery delivery, double emailsPerSecond, Map<String, Double> peakHeaps,
                 OptionalLong inDoubtBound, List<String> notes, boolean correct) {
        out.println();
        out.println("== " + title);
        row("accepted", accepted, acceptedNote);
        row("sent", counts.sent, "received by the sink");
        row("failed", counts.failed, "");
        row("cancelled", counts.cancelled, cancelledNote);
        row("in doubt", counts.inDoubt.size(), String.format(Locale.ROOT,
                "the provider call may have left a worker that died (%,d of them reached the sink, %,d twice)%s",
                counts.inDoubtReceived(), counts.inDoubtDuplicates, inDoubtBound.isPresent()
                        ? String.format(Locale.ROOT, "; bound: %,d sends without a stored outcome at the faults",
                        inDoubtBound.getAsLong()) : ""));
        row("duplicates", counts.duplicates, "receipts beyond the first, of emails not in doubt");
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
        out.printf(Locale.ROOT, "lateness     p50 %,d ms, p99 %,d ms (first sent event minus the later of send_at and"
                + " acceptance: Postdate's own)%n", delivery.latenessP50Ms(), delivery.latenessP99Ms());
        out.printf(Locale.ROOT, "             p50 %,d ms, p99 %,d ms from send_at alone (the client's intake pace included)%n",
                delivery.fromDueP50Ms(), delivery.fromDueP99Ms());
        out.printf(Locale.ROOT, "sending      %,.0f emails/s (%,d scheduled emails, from the first one's send_at to the last one sent)%n",
                emailsPerSecond, delivery.burstSent());
        if (!peakHeaps.isEmpty()) {
            out.println("peak heap    " + peakHeaps.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.0f MB", e.getKey(), e.getValue() / 1e6))
                    .collect(Collectors.joining(", ")));
        }
        notes.forEach(out::println);
        out.println(correct ? "RESULT: every email accounted for; none lost, none sent twice"
                : "RESULT: FAILED: see lost / duplicates / wrong content above");
    }

    /** The summary line; with faults (./postdate chaos) it also lists the faults injected. */
    /** @param extra the run's own figures, after the common ones */
    String json(long accepted, Reconciliation.Counts counts, TenantLedger.Delivery delivery, double emailsPerSecond,
                List<String> faults, Map<String, Long> extra) throws IOException {
        OptionalLong inDoubtBound = FaultLog.inDoubtBound(faults);
        StringWriter line = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeNumberField("accepted", accepted);
            json.writeNumberField("sent", counts.sent);
            json.writeNumberField("failed", counts.failed);
            json.writeNumberField("cancelled", counts.cancelled);
            json.writeNumberField("in_doubt", counts.inDoubt.size());
            if (inDoubtBound.isPresent()) {
                json.writeNumberField("in_doubt_bound", inDoubtBound.getAsLong());
            }
            json.writeNumberField("in_doubt_duplicates", counts.inDoubtDuplicates);
            json.writeNumberField("duplicates", counts.duplicates);
            json.writeNumberField("lost", counts.lost);
            json.writeNumberField("lateness_p50_ms", delivery.latenessP50Ms());
            json.writeNumberField("lateness_p99_ms", delivery.latenessP99Ms());
            json.writeNumberField("lateness_from_send_at_p50_ms", delivery.fromDueP50Ms());
            json.writeNumberField("lateness_from_send_at_p99_ms", delivery.fromDueP99Ms());
            json.writeNumberField("emails_per_s", Math.round(emailsPerSecond));
            for (Map.Entry<String, Long> figure : extra.entrySet()) {
                json.writeNumberField(figure.getKey(), figure.getValue());
            }
            if (!faults.isEmpty()) {
                json.writeArrayFieldStart("faults");
                for (String fault : faults) {
                    if (!fault.startsWith(FaultLog.IN_DOUBT_BOUND)) {
                        json.writeString(fault);
                    }
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        }
        return line.toString();
    }

    /** Every email in doubt, one per line with the sink's receipt count, for the operator to settle. */
    static void writeInDoubt(Path file, Reconciliation.Counts counts) throws IOException {
        Files.write(file, counts.inDoubt.stream().map(d -> d.id() + " received=" + d.received()).toList());
    }

    private void row(String label, long value, String note) {
        out.printf(Locale.ROOT, "%-12s %,11d  %s%n", label, value, note);
    }

    private void list(String what, List<?> ids) {
        if (!ids.isEmpty()) {
            List<?> first = ids.subList(0, Math.min(LISTED, ids.size()));
            out.println(what + " (" + (first.size() < ids.size() ? "first " + first.size() + " of " + ids.size() : "all " + ids.size())
                    + "): " + first.stream().map(Object::toString).collect(Collectors.joining(", ")));
        }
    }
}
