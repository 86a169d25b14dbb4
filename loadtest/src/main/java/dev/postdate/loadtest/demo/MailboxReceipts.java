package dev.postdate.loadtest.demo;

/** Tallies received mails by the demo email they are addressed to, checking each one's personalization. */
final class MailboxReceipts {

    private final DemoPlan plan;
    private final int[] perEmail;
    private long wrongContent;
    private long total;

    MailboxReceipts(DemoPlan plan, int emails) {
        this.plan = plan;
        this.perEmail = new int[emails];
    }

    /** One received mail; mail of other runs (no index of this plan) is ignored. */
    void add(String to, String subject) {
        int i = plan.indexOf(to);
        if (i < 0 || i >= perEmail.length) {
            return;
        }
        perEmail[i]++;
        total++;
        if (subject == null || !subject.startsWith(plan.subjectPrefix(i))) {
            wrongContent++;
        }
    }

    Sink.Receipts receipts() {
        return new Sink.Receipts(perEmail, wrongContent, total);
    }
}
