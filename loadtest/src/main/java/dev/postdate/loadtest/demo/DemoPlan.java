package dev.postdate.loadtest.demo;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the demo schedules, derived from an email's index alone, so that the reconciliation can tell
 * from a received mail which email it is and what it should say. One email in
 * {@code ASAP_EVERY} has no {@code send_at} (due at once), one in {@code CANCELLED_EVERY} belongs to
 * the batch the demo cancels, one in {@code HTML_EVERY} carries its own HTML instead of the template;
 * the others are spread evenly over {@code spread} seconds centred on {@code dueAt}.
 */
final class DemoPlan {

    static final String TEMPLATE = "demo-newsletter";
    private static final int ASAP_EVERY = 20;
    private static final int CANCELLED_EVERY = 50;
    private static final int HTML_EVERY = 10;
    private static final String DOMAIN = "demo.postdate.test";

    private final String run;
    private final Instant dueAt;
    private final int spreadSeconds;
    private final Pattern recipient;

    DemoPlan(String run, Instant dueAt, int spreadSeconds) {
        this.run = run;
        this.dueAt = dueAt;
        this.spreadSeconds = Math.max(1, spreadSeconds);
        this.recipient = Pattern.compile("reader-(\\d+)-" + Pattern.quote(run) + "@" + Pattern.quote(DOMAIN));
    }

    String run() {
        return run;
    }

    String batchId() {
        return "demo-" + run;
    }

    String cancelledBatchId() {
        return "demo-" + run + "-cancelled";
    }

    boolean cancelled(int i) {
        return i % CANCELLED_EVERY == CANCELLED_EVERY - 1;
    }

    boolean asap(int i) {
        return !cancelled(i) && i % ASAP_EVERY == 3;
    }

    boolean html(int i) {
        return i % HTML_EVERY == 5;
    }

    /** Due time of a scheduled email: whole seconds, as the api stores them. */
    Instant sendAt(int i) {
        long offset = (long) i % spreadSeconds - spreadSeconds / 2;
        return dueAt.plusSeconds(offset);
    }

    String describe() {
        return "due from " + firstScheduled() + " over " + spreadSeconds + " s; one in " + ASAP_EVERY + " due at once, one in "
                + HTML_EVERY + " with its own HTML instead of the template, one in " + CANCELLED_EVERY + " in batch "
                + cancelledBatchId() + ", which is cancelled";
    }

    /** The earliest send_at of a scheduled (not at-once) email. */
    Instant firstScheduled() {
        return dueAt.minusSeconds(spreadSeconds / 2);
    }

    String address(int i) {
        return "reader-" + i + "-" + run + "@" + DOMAIN;
    }

    String name(int i) {
        return "Reader " + i;
    }

    /** The subject every rendering of email i starts with: proves the mail is personalized for its recipient. */
    String subjectPrefix(int i) {
        return name(i) + ",";
    }

    /** The index of the demo email addressed to this text (an address, or "Name <address>"), or -1. */
    int indexOf(String addressText) {
        Matcher m = recipient.matcher(addressText);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** One email as the api's JSON. */
    void appendEmail(StringBuilder json, int i) {
        json.append("{\"to\":{\"email\":\"").append(address(i)).append("\",\"name\":\"").append(name(i))
                .append("\"},\"from\":{\"email\":\"news@shop.example\",\"name\":\"Postdate demo\"}");
        if (html(i)) {
            json.append(",\"subject\":\"").append(subjectPrefix(i)).append(" a note just for you\"")
                    .append(",\"html\":\"<p>Hello ").append(name(i)).append(", this one was written by hand.</p>\"")
                    .append(",\"text\":\"Hello ").append(name(i)).append(", this one was written by hand.\"");
        } else {
            json.append(",\"template\":{\"name\":\"").append(TEMPLATE).append("\"},\"data\":{\"name\":\"").append(name(i))
                    .append("\",\"points\":").append(i % 997).append(",\"picks\":[\"lamp\",\"kettle\",\"book ")
                    .append(i % 31).append("\"]}");
        }
        json.append(",\"idempotency_key\":\"").append(run).append('-').append(i)
                .append("\",\"headers\":{\"X-Demo-Run\":\"").append(run).append("\"},\"tags\":[\"demo\"],\"batch_id\":\"")
                .append(cancelled(i) ? cancelledBatchId() : batchId()).append('"');
        if (!asap(i)) {
            json.append(",\"send_at\":\"").append(sendAt(i)).append('"');
        }
        json.append('}');
    }

    /** The template every non-HTML email uses: its subject starts with {@link #subjectPrefix}. */
    static String templateJson() {
        return """
                {"name":"TEMPLATE_NAME",
                 "subject":"{{ name }}, your picks of the week",
                 "html":"<h1>Hello {{ name }}</h1><p>You have {{ points }} points.</p><ul>{% for p in picks %}<li>{{ p }}</li>{% endfor %}</ul>",
                 "text":"Hello {{ name }}, you have {{ points }} points. Picks: {% for p in picks %}{{ p }} {% endfor %}"}
                """.replace("TEMPLATE_NAME", TEMPLATE);
    }
}
