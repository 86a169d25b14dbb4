package dev.postdate.ranger;

import dev.postdate.clickhouse.ranging.ReadyEmails;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load ahead, for autoscaling before it arrives: about how many emails fall due in the next
 * {@code window} after now (already due ones are the ready backlog, {@code postdate_ranger_ready_backlog}).
 * Postdate knows its future load exactly because the load is its schedule; a scaler reading this gauge
 * can have workers running before "5M at 8 PM" (docs/ranging.md).
 */
@Singleton
public class DueSoon {

    private final ReadyEmails readyEmails;
    private final DueSoonSettings settings;
    private final Clock clock;
    private final AtomicLong emails = new AtomicLong();

    public DueSoon(ReadyEmails readyEmails, DueSoonSettings settings, Clock clock, MeterRegistry registry) {
        this.readyEmails = readyEmails;
        this.settings = settings;
        this.clock = clock;
        Gauge.builder("postdate.ranger.due_soon.emails", emails, AtomicLong::get)
                .description("emails due within the next postdate.ranger.due-soon.window (approximate)")
                .register(registry);
        Gauge.builder("postdate.ranger.due_soon.window.seconds", settings, s -> s.window().toSeconds())
                .register(registry);
    }

    /** Counts the emails due in the window from now; the gauge keeps its last count if ClickHouse fails. */
    public long refresh() {
        long now = clock.instant().getEpochSecond();
        long count = readyEmails.dueBetween(now, now + settings.window().toSeconds());
        emails.set(count);
        return count;
    }

    public long emails() {
        return emails.get();
    }
}
