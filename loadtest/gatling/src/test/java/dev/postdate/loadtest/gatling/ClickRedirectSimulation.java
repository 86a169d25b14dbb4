package dev.postdate.loadtest.gatling;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import static dev.postdate.loadtest.gatling.SimulationSettings.setting;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.csv;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * GET /c/{token} on the tracker, redirects not followed, open model: warm-up, ramp, then the target
 * rate held and asserted on (issue 20: 5,000 req/s, p99 < 20 ms on a warm tracker; each 302 comes only
 * after its event is on the SQS tracking queue). Links come from ClickLinks (docs/benchmarks.md).
 *
 * <p>Settings (system property, else environment variable, else default): postdate.trackerUrl /
 * POSTDATE_BENCH_TRACKER_URL (http://127.0.0.1:8150), postdate.links (the ClickLinks file),
 * postdate.rate (5000), postdate.warmup (20 s at a tenth), postdate.ramp (20 s), postdate.hold (60 s).
 */
public class ClickRedirectSimulation extends Simulation {

    private final String trackerUrl = setting("postdate.trackerUrl", "POSTDATE_BENCH_TRACKER_URL", "http://127.0.0.1:8150");
    private final String links = setting("postdate.links", "POSTDATE_BENCH_LINKS", null);
    private final double rate = Double.parseDouble(setting("postdate.rate", "POSTDATE_BENCH_RATE", "5000"));
    private final long warmup = Long.parseLong(setting("postdate.warmup", "POSTDATE_BENCH_WARMUP", "20"));
    private final long ramp = Long.parseLong(setting("postdate.ramp", "POSTDATE_BENCH_RAMP", "20"));
    private final long hold = Long.parseLong(setting("postdate.hold", "POSTDATE_BENCH_HOLD", "60"));

    private static final String MEASURED = "GET /c/{token}";
    private static final String WARM_UP = "warm-up: GET /c/{token}";

    private final HttpProtocolBuilder protocol = http.baseUrl(trackerUrl).disableFollowRedirect().shareConnections();

    private ScenarioBuilder clicking(String requestName) {
        return scenario(requestName)
                .feed(csv(links).circular())
                .exec(http(requestName).get("#{path}")
                        .check(status().is(302), header("Location").exists()));
    }

    {
        setUp(
                clicking(WARM_UP).injectOpen(
                        constantUsersPerSec(Math.max(1, rate / 10)).during(warmup),
                        rampUsersPerSec(Math.max(1, rate / 10)).to(rate).during(ramp)),
                clicking(MEASURED).injectOpen(
                        nothingFor(warmup + ramp),
                        constantUsersPerSec(rate).during(hold)))
                .protocols(protocol)
                .assertions(
                        global().failedRequests().percent().lte(0.1),
                        details(MEASURED).failedRequests().percent().lte(0.1),
                        details(MEASURED).responseTime().percentile(99.0).lt(20));
    }
}
