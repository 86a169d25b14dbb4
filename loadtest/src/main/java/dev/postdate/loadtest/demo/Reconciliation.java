package dev.postdate.loadtest.demo;

import dev.postdate.core.state.EmailStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every accepted email against what the sink received and what ClickHouse recorded. An email the
 * sink received is sent (each receipt beyond the first is a duplicate); one it did not receive is
 * failed, cancelled or in doubt as recorded, and otherwise lost. Every email recorded in doubt is
 * listed with whether the sink received it: the operator's answer to "was it sent?"; receipts beyond the
 * first of such an email are counted apart from the duplicates, which must be none. Without per-email receipts
 * (blackhole) the recorded {@code sent} stands for the receipt and duplicates are the sink's count
 * beyond the number sent.
 */
final class Reconciliation {

    private static final int LISTED = 20;

    private Reconciliation() {
    }

    static Counts of(String[] ids, Map<String, EmailStatus> states, Sink.Receipts receipts) {
        Counts counts = new Counts();
        for (int i = 0; i < ids.length; i++) {
            EmailStatus state = states.getOrDefault(ids[i], EmailStatus.SCHEDULED);
            int received = receipts.perEmail() == null ? (state == EmailStatus.SENT ? 1 : 0) : receipts.perEmail()[i];
            if (state == EmailStatus.IN_DOUBT) {
                counts.inDoubt.add(new InDoubt(ids[i], received));
            }
            if (received > 0) {
                counts.sent++;
                // A second receipt of an email recorded in doubt is the price of that doubt, which the
                // operator settles (it is listed); any other second receipt is a failure.
                if (state == EmailStatus.IN_DOUBT) {
                    counts.inDoubtDuplicates += received - 1;
                } else {
                    counts.duplicates += received - 1;
                }
                if (state == EmailStatus.CANCELLED || state == EmailStatus.SUPPRESSED || state == EmailStatus.EXPIRED) {
                    counts.cancelledButSent.add(ids[i]);
                } else if (state != EmailStatus.SENT && state != EmailStatus.IN_DOUBT) {
                    counts.unrecorded++;
                }
                if (received > 1) {
                    note(counts.duplicated, ids[i] + " (" + received + " times, state " + state.wireName() + ")");
                }
                continue;
            }
            switch (state) {
                case FAILED -> counts.failed++;
                // The demo suppresses and expires nothing: such an email is one not to be sent, like a cancelled one.
                case CANCELLED, SUPPRESSED, EXPIRED -> counts.cancelled++;
                case IN_DOUBT -> { }
                default -> {
                    counts.lost++;
                    note(counts.lostIds, ids[i] + " (state " + state.wireName() + ")");
                }
            }
        }
        if (receipts.perEmail() == null) {
            counts.duplicates = Math.max(0, receipts.total() - counts.sent);
        }
        counts.wrongContent = receipts.wrongContent();
        return counts;
    }

    private static void note(List<String> list, String entry) {
        if (list.size() < LISTED) {
            list.add(entry);
        }
    }

    static final class Counts {
        long sent;
        long failed;
        long cancelled;
        /** Receipts beyond the first of emails not recorded in doubt. */
        long duplicates;
        /** Receipts beyond the first of emails recorded in doubt (listed with their receipts). */
        long inDoubtDuplicates;
        long lost;
        long unrecorded;
        long wrongContent;
        final List<InDoubt> inDoubt = new ArrayList<>();
        final List<String> cancelledButSent = new ArrayList<>();
        final List<String> duplicated = new ArrayList<>();
        final List<String> lostIds = new ArrayList<>();

        /** No email lost, none twice, none sent after its cancel, each one right. */
        boolean correct() {
            return lost == 0 && duplicates == 0 && cancelledButSent.isEmpty() && wrongContent == 0;
        }

        long inDoubtReceived() {
            return inDoubt.stream().filter(d -> d.received() > 0).count();
        }
    }

    /** An email recorded in doubt, and how many times the sink received it. */
    record InDoubt(String id, int received) {
        @Override
        public String toString() {
            return id + " (received " + received + ")";
        }
    }
}
