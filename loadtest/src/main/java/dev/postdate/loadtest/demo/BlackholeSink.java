package dev.postdate.loadtest.demo;

import dev.postdate.loadtest.PrometheusScrape;

import java.util.List;

/**
 * The blackhole sender keeps no mail, only a count per worker process
 * ({@code postdate_worker_blackhole_accepted_total}); the demo sums it over the workers it started.
 * It cannot tell which email a duplicate was, only how many there were.
 */
final class BlackholeSink implements Sink {

    private final List<String> workerUrls;
    private double baseline;

    BlackholeSink(List<String> workerUrls) {
        this.workerUrls = workerUrls;
    }

    @Override
    public void begin() {
        baseline = accepted();
    }

    @Override
    public Receipts receipts() {
        return new Receipts(null, 0, Math.round(accepted() - baseline));
    }

    private double accepted() {
        return workerUrls.stream().mapToDouble(url -> PrometheusScrape.of(url)
                .sum("postdate_worker_blackhole_accepted_total", "").orElse(0)).sum();
    }

    @Override
    public String where() {
        return "the blackhole sender keeps no mail: postdate_worker_blackhole_accepted_total on each worker's /prometheus";
    }
}
