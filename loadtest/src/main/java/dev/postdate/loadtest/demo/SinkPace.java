package dev.postdate.loadtest.demo;

import dev.postdate.loadtest.PrometheusScrape;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Whether the sink (the provider the workers call) set the sending pace: sampled while mail is being
 * sent, the workers' provider calls in flight against the calls they may have in flight at once
 * ({@code postdate_worker_provider_calls_in_flight} and {@code _capacity}). By Little's law the rate is
 * calls in flight over call time: when the workers keep most of their slots busy, only a faster sink
 * sends faster; when slots sit idle, the pace came from Postdate's side.
 */
final class SinkPace {

    /** Busy share of the provider slots from which the sink counts as the limit. */
    private static final double LIMIT_SHARE = 0.5;

    private final List<String> workerUrls;
    private double inFlightSum;
    private double capacitySum;
    private int samples;

    SinkPace(List<String> workerUrls) {
        this.workerUrls = workerUrls;
    }

    /** One sample, taken while emails are being sent. */
    synchronized void sample() {
        double capacity = sum("postdate_worker_provider_calls_capacity");
        if (capacity > 0) {
            inFlightSum += sum("postdate_worker_provider_calls_in_flight");
            capacitySum += capacity;
            samples++;
        }
    }

    /** The metric summed over every worker that answers. */
    private double sum(String metric) {
        return workerUrls.stream().mapToDouble(url -> PrometheusScrape.of(url).sum(metric, "").orElse(0)).sum();
    }

    /** The summary's line, or empty without samples (no worker answered while sending). */
    synchronized String describe() {
        if (samples == 0) {
            return "";
        }
        double busy = inFlightSum / capacitySum;
        OptionalDouble callMs = meanCallMillis();
        return String.format(Locale.ROOT, "%.0f of %.0f provider calls in flight on average while sending%s: %s",
                inFlightSum / samples, capacitySum / samples,
                callMs.isPresent() ? String.format(Locale.ROOT, ", %.1f ms each", callMs.getAsDouble()) : "",
                busy >= LIMIT_SHARE ? "the sink's pace is the limit (a faster provider, or more workers, send faster)"
                        : "the sink is not the limit");
    }

    private OptionalDouble meanCallMillis() {
        double calls = sum("postdate_worker_send_latency_seconds_count");
        return calls == 0 ? OptionalDouble.empty()
                : OptionalDouble.of(sum("postdate_worker_send_latency_seconds_sum") / calls * 1000);
    }
}
